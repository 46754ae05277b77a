/// Batch normalization over the last axis (channels of an image, features of a vector): normalizes by
/// the batch's statistics in training and by running statistics in evaluation, then scales and shifts.
public struct BatchNorm: Layer {
    public let momentum: Double
    public let epsilon: Double

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> { .success(input) }

    public func parameters(for input: SampleShape) -> [ParameterShape] {
        let channels = input.last ?? 0
        return [ParameterShape(name: "gamma", shape: [channels]), ParameterShape(name: "beta", shape: [channels])]
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int { 2 * input.elementCount }
}
