import Spec

/// A fully connected layer: y = x·W + b over a flat input.
public struct Dense: Layer {
    public let units: Int
    public let bias: Bool

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        guard input.count == 1 else {
            return .failure(
                ShapeMismatch("dense needs a flat input; found \(input.shapeText) (add `flatten` before it)"))
        }
        return .success([units])
    }

    public func parameters(for input: SampleShape) -> [ParameterShape] {
        [ParameterShape(name: "weight", shape: [input.elementCount, units])]
            + (bias ? [ParameterShape(name: "bias", shape: [units])] : [])
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int {
        saturatingSum(saturatingProduct([2, input.elementCount, units]), bias ? units : 0)
    }
}
