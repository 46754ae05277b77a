import Kernels
import Spec

/// The shape of one sample, without the batch dimension: `[784]`, `[28, 28, 3]` (NHWC).
public typealias SampleShape = [Int]

extension Array where Element == Int {
    /// `28×28×3`, the way shapes read in tables and messages.
    public var shapeText: String { map(String.init).joined(separator: "×") }

    /// The number of values one sample of this shape holds; `Int.max` when that overflows, which
    /// the size limit then reports instead of the process trapping.
    public var elementCount: Int { saturatingProduct(self) }
}

/// A tensor a layer keeps between steps: learnable (`weight`, `bias`, `gamma`, `beta`) or running
/// state that is saved but not trained (`running_mean`, `running_var`).
public struct ParameterShape: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    /// Learned by the optimizer; false for running statistics.
    public var trainable = true
    /// The value every element starts at, for tensors that are not drawn from the initializer.
    public var constant: Float?
    /// How every element is drawn instead of by the network's initializer (a VQ-VAE's codebook
    /// starts near zero, ±1/codes; a planar flow's vectors from N(0, 1)).
    public var initialDraw: InitialDraw?
    /// The tensor's name in the matching PyTorch module (batch norm's `gamma` is its `weight`).
    public var torchName: String
    /// PyTorch's axis order: axis i of PyTorch's tensor is axis `torchAxes[i]` of this one (a
    /// `Linear`'s weight is [out, in], a dense layer's [in, out]: `[1, 0]`).
    public var torchAxes: [Int]
    /// The inputs feeding one output unit, where the tensor's layer is not the network's layer that
    /// holds it (a layer inside a residual block); nil: found from the network's layer.
    public var fanIn: Int?

    public init(
        name: String, shape: [Int], trainable: Bool = true, constant: Float? = nil, initialDraw: InitialDraw? = nil,
        torchName: String? = nil, torchAxes: [Int]? = nil
    ) {
        self.name = name
        self.shape = shape
        self.trainable = trainable
        self.constant = constant
        self.initialDraw = initialDraw
        self.torchName = torchName ?? name
        self.torchAxes = torchAxes ?? Array(shape.indices)
    }

    /// The shape PyTorch holds the tensor in.
    public var torchShape: [Int] { torchAxes.map { shape[$0] } }
}

/// One kind of layer: its shape rule, its parameters, its cost, and its forward and backward passes.
///
/// Each kind lives in its own file under `Layers/`, and `LayerRegistry` maps a spec's layer to it
/// with one `case` per kind.
public protocol Layer: Sendable {
    /// The output shape for one input sample, or why the input does not fit.
    func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch>
    /// The tensors this layer keeps for this input shape, in the order `LayerBuffers` holds them.
    func parameters(for input: SampleShape) -> [ParameterShape]
    /// Forward floating-point operations for one sample (a multiply-add counts as two).
    func flops(input: SampleShape, output: SampleShape) -> Int
    /// Scratch a layer application needs for a batch of `batch` samples, allocated once by the planner.
    func scratch(input: SampleShape, output: SampleShape, batch: Int) -> ScratchSize
    /// The output shape whatever input the layer accepts (`dense: 64` always gives 64 values), or
    /// nil when it depends on the input: lets `check` test the later layers of a network whose
    /// input is unknown.
    var fixedOutput: SampleShape? { get }
    /// True when the output is the input seen with another shape (no arithmetic, no buffer of its own).
    var isView: Bool { get }
    /// True when forward leaves nothing for backward but its output, and the same input and weights
    /// always give the same output (no random masks, no batch statistics, no scratch). A later
    /// phase of the same step may then copy an earlier phase's output instead of running forward.
    var outputIsReusable: Bool { get }
    /// Computes `output` from `input` for `buffers.batch` samples.
    func forward(_ buffers: LayerBuffers, random: inout RandomStream)
    /// Adds parameter gradients into `gradients` (when present) and writes or adds the input gradient
    /// into `dInput` (when present), from `dOutput`.
    func backward(_ buffers: LayerBuffers)
    /// The library primitives this application runs on, created once by the planner for the
    /// planned buffers (`backward`: also for the gradients); nil for layers without any.
    func directConvolution(for buffers: LayerBuffers, backward: Bool) -> DirectConvolution?
    /// The PyTorch module that computes what this layer computes for `input`, for exported models.
    func torchModule(input: SampleShape, output: SampleShape) -> TorchModule
}

/// How much scratch one layer application needs.
public struct ScratchSize: Sendable, Equatable {
    public var floats: Int
    public var doubles: Int

    public init(floats: Int = 0, doubles: Int = 0) {
        self.floats = floats
        self.doubles = doubles
    }
}

extension Layer {
    public func scratch(input: SampleShape, output: SampleShape, batch: Int) -> ScratchSize { ScratchSize() }
    public var fixedOutput: SampleShape? { nil }
    public var isView: Bool { false }
    public var outputIsReusable: Bool { false }
    public func directConvolution(for buffers: LayerBuffers, backward: Bool) -> DirectConvolution? { nil }
}

/// A tensor's own starting distribution, where the network's initializer does not fit it.
public enum InitialDraw: Sendable, Equatable {
    case uniform(bound: Float)
    case normal(std: Float)
}

/// Why a layer cannot take an input: said in the user's terms.
public struct ShapeMismatch: Error, Sendable, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }
}

/// A layer that maps each value on its own: same shape out, no parameters, one operation a value.
public protocol ElementwiseLayer: Layer {}

extension ElementwiseLayer {
    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> { .success(input) }
    public func parameters(for input: SampleShape) -> [ParameterShape] { [] }
    public func flops(input: SampleShape, output: SampleShape) -> Int { input.elementCount }
}

/// An elementwise activation computed by the kernels' `Activation`.
public protocol ActivationLayer: ElementwiseLayer {
    var activation: Activation { get }
}

extension ActivationLayer {
    public var outputIsReusable: Bool { true }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        activationForward(
            output: b.output, input: b.input, count: b.batch * b.inputShape.elementCount,
            activation: activation, context: b.context)
    }

    public func backward(_ b: LayerBuffers) {
        guard let dInput = b.dInput else { return }
        activationBackward(
            dInput: dInput, output: b.output, dOutput: b.dOutput,
            count: b.batch * b.inputShape.elementCount, activation: activation,
            accumulate: b.accumulateInput, context: b.context)
    }
}

/// A layer whose output pass can also apply the activation that follows it (`LayerBuffers.epilogue`),
/// saving one pass over the output in forward and one in backward. The planner fuses the pair.
public protocol FusesActivation: Layer {}

/// A layer that only changes how a sample is shaped: its output shares its input's buffer.
public protocol ViewLayer: Layer {}

extension ViewLayer {
    public var isView: Bool { true }
    public var outputIsReusable: Bool { true }
    public func parameters(for input: SampleShape) -> [ParameterShape] { [] }
    public func flops(input: SampleShape, output: SampleShape) -> Int { 0 }
    public func forward(_ buffers: LayerBuffers, random: inout RandomStream) {}
    public func backward(_ buffers: LayerBuffers) {}
}

/// Requires an image-shaped input (height × width × channels) for `layer`.
func requireImage(_ input: SampleShape, _ layer: String) -> ShapeMismatch? {
    input.count == 3
        ? nil
        : ShapeMismatch(
            "\(layer) needs an image input of height×width×channels; found \(input.shapeText)"
                + (input.count == 1 ? " (add `reshape: [H, W, C]` before it)" : ""))
}

/// The largest sample a layer may produce: 2³¹ values (8 GiB of floats per sample) is no real network.
public let sampleSizeLimit = 1 << 31

/// The product of `factors`, or `Int.max` when it overflows.
public func saturatingProduct(_ factors: [Int]) -> Int {
    var product = 1
    for factor in factors {
        let (result, overflow) = product.multipliedReportingOverflow(by: factor)
        if overflow { return Int.max }
        product = result
    }
    return product
}

/// `a + b`, or `Int.max` when that overflows.
public func saturatingSum(_ a: Int, _ b: Int) -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? Int.max : sum
}
