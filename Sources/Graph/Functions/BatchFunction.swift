import Kernels

/// A function of the loss language that makes a batch from batches (`concat`, `sample_normal`,
/// `noise`, a network's named output, …): its forward and backward passes over planned buffers.
///
/// Each lives in its own file beside its argument rule (`FunctionRegistry` maps a name to it), and
/// its test checks the backward pass against finite differences.
public protocol BatchFunction: Sendable, CustomStringConvertible {
    /// Whether forward draws from the phase's noise stream (`sample_normal`, `noise`, `mask`).
    var isRandom: Bool { get }
    /// Rows per sample of the output when the function decides them (`sample_normal(…, k: 5)`,
    /// `logmeanexp`, a log density reading one draw against several); nil: the rows of its inputs,
    /// which must all have the same. `FunctionBuffers.batch` counts output rows.
    var outputDraws: Int? { get }
    /// Set for a function whose result has rows of its own, whatever the batch (`eye(50)`).
    var outputFixedRows: Int? { get }
    /// Whether it reads some arguments as a set of rows of their own beside the batch's (a
    /// mixture's components); the others must follow the batch.
    var readsFixedRows: Bool { get }
    /// Scratch floats one application needs for `batch` samples (what forward keeps for backward).
    func scratch(inputs: [SampleShape], output: SampleShape, batch: Int) -> Int
    /// Writes `output` from the inputs for `buffers.batch` samples.
    func forward(_ buffers: FunctionBuffers, random: inout RandomStream)
    /// Writes or adds each present input gradient from `dOutput`.
    func backward(_ buffers: FunctionBuffers)
    /// The layers whose tensors it reads itself (`input_gradient` runs a chain of networks
    /// backward); `FunctionBuffers.parameters` holds them in this order.
    var parameterLayers: [TermParameterLayer] { get }
}

extension BatchFunction {
    public var isRandom: Bool { false }
    public var outputDraws: Int? { nil }
    public var outputFixedRows: Int? { nil }
    public var readsFixedRows: Bool { false }
    public func scratch(inputs: [SampleShape], output: SampleShape, batch: Int) -> Int { 0 }
    public var parameterLayers: [TermParameterLayer] { [] }
}

/// A function of the loss language that makes a number from batches (`kl_normal`, `mmd`,
/// `cross_entropy`): a term of a phase's loss, like a loss function.
public protocol TermFunction: Sendable, CustomStringConvertible {
    /// Scratch floats one application needs for `batch` samples.
    func scratch(inputs: [SampleShape], batch: Int) -> Int
    /// The term's value for `buffers.batch` samples (it may keep what backward needs in scratch).
    func forward(_ buffers: TermBuffers) -> Double
    /// Writes or adds `upstream · ∂term/∂input` into each present input gradient.
    func backward(_ buffers: TermBuffers, upstream: Double)
    /// The layers whose tensors it reads itself (`gradient_penalty` differentiates a chain of
    /// networks twice); `TermBuffers.parameters` holds them in this order.
    var parameterLayers: [TermParameterLayer] { get }
}

extension TermFunction {
    public func scratch(inputs: [SampleShape], batch: Int) -> Int { 0 }
    public var parameterLayers: [TermParameterLayer] { [] }
}

/// One layer whose tensors a term function reads, and whether the phase trains them (then the term
/// writes their gradients too).
public struct TermParameterLayer: Sendable, Equatable {
    public var network: String
    public var layer: Int
    public var trains: Bool
}

/// Everything one application of a batch function reads and writes, fixed by the planner.
public struct FunctionBuffers {
    /// Samples in this step, at most the planned capacity.
    public var batch: Int
    public let inputShapes: [SampleShape]
    public let outputShape: SampleShape
    public let inputs: [UnsafeMutablePointer<Float>]
    public let output: UnsafeMutablePointer<Float>
    /// Where each input's gradient goes (nil where nothing upstream needs it), and whether that
    /// write adds to another consumer's contribution.
    public let dInputs: [(UnsafeMutablePointer<Float>, accumulate: Bool)?]
    public let dOutput: UnsafeMutablePointer<Float>
    public let scratch: UnsafeMutablePointer<Float>
    /// The tensors of each of the function's `parameterLayers`, in the layer's own order.
    public var parameters: [[UnsafeMutablePointer<Float>]] = []
    /// What its products and elementwise passes run with (the plan's context).
    public var context = ExecutionContext.serial

    public init(
        batch: Int, inputShapes: [SampleShape], outputShape: SampleShape, inputs: [UnsafeMutablePointer<Float>],
        output: UnsafeMutablePointer<Float>, dInputs: [(UnsafeMutablePointer<Float>, accumulate: Bool)?],
        dOutput: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
    ) {
        self.batch = batch
        self.inputShapes = inputShapes
        self.outputShape = outputShape
        self.inputs = inputs
        self.output = output
        self.dInputs = dInputs
        self.dOutput = dOutput
        self.scratch = scratch
    }
}

/// Everything one application of a term function reads and writes.
public struct TermBuffers {
    public var batch: Int
    public let inputShapes: [SampleShape]
    public let inputs: [UnsafeMutablePointer<Float>]
    public let dInputs: [(UnsafeMutablePointer<Float>, accumulate: Bool)?]
    public let scratch: UnsafeMutablePointer<Float>
    /// The tensors of each of the function's `parameterLayers`, in the layer's own order.
    public var parameters: [[UnsafeMutablePointer<Float>]] = []
    /// Their trainable tensors' gradients where the phase trains the layer, and whether the writes
    /// add to an earlier writer's (the first writer in backward order overwrites).
    public var parameterGradients: [([UnsafeMutablePointer<Float>], accumulate: Bool)?] = []
    /// What its products and elementwise passes run with (the plan's context).
    public var context = ExecutionContext.serial

    public init(
        batch: Int, inputShapes: [SampleShape], inputs: [UnsafeMutablePointer<Float>],
        dInputs: [(UnsafeMutablePointer<Float>, accumulate: Bool)?], scratch: UnsafeMutablePointer<Float>
    ) {
        self.batch = batch
        self.inputShapes = inputShapes
        self.inputs = inputs
        self.dInputs = dInputs
        self.scratch = scratch
    }
}

/// Writes the gradient of an input read `repeats` times per row (once for each draw of the output):
/// the sum over those reads of `contribution(outputRow, feature)`, for `rows` output rows of `width`.
@inline(__always)
func writeRepeated(
    _ gradient: (UnsafeMutablePointer<Float>, accumulate: Bool), rows: Int, width: Int, repeats: Int,
    _ contribution: (Int, Int) -> Float
) {
    for inputRow in 0..<(rows / repeats) {
        for feature in 0..<width {
            var sum: Float = 0
            for draw in 0..<repeats { sum += contribution(inputRow * repeats + draw, feature) }
            write(sum, to: gradient, at: inputRow * width + feature)
        }
    }
}

/// `destination (= | +=) value` for element `index`, as a gradient write asks.
@inline(__always)
func write(_ value: Float, to gradient: (UnsafeMutablePointer<Float>, accumulate: Bool), at index: Int) {
    if gradient.accumulate { gradient.0[index] += value } else { gradient.0[index] = value }
}
