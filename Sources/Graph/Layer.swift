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

/// A learnable tensor of a layer: `weight`, `bias`, `gamma`, `beta`.
public struct ParameterShape: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
}

/// One kind of layer: its shape rule, its parameters and its cost.
///
/// Each kind lives in its own file under `Layers/`, and `LayerRegistry` maps a spec's layer to it
/// with one `case` per kind.
public protocol Layer: Sendable {
    /// The output shape for one input sample, or why the input does not fit.
    func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch>
    /// The learnable tensors for this input shape.
    func parameters(for input: SampleShape) -> [ParameterShape]
    /// Forward floating-point operations for one sample (a multiply-add counts as two).
    func flops(input: SampleShape, output: SampleShape) -> Int
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
