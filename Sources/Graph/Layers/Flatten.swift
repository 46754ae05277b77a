/// Flattens an image sample (H×W×C) into a vector; a view of the same buffer, no arithmetic.
public struct Flatten: ViewLayer {
    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        .success([input.elementCount])
    }
}
