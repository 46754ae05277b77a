/// Flattens an image sample (H×W×C) into a vector; a view, no arithmetic.
public struct Flatten: Layer {
    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        .success([input.elementCount])
    }

    public func parameters(for input: SampleShape) -> [ParameterShape] { [] }

    public func flops(input: SampleShape, output: SampleShape) -> Int { 0 }
}
