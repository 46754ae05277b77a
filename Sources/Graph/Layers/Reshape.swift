/// Gives a sample a new shape with the same number of values (e.g. 3136 → 7×7×64); a view.
public struct Reshape: ViewLayer {
    public let shape: [Int]
    public var fixedOutput: SampleShape? { shape }

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        guard shape.elementCount == input.elementCount else {
            let source =
                input.count == 1 ? "\(input.elementCount) values" : "\(input.shapeText) (\(input.elementCount) values)"
            return .failure(
                ShapeMismatch("cannot reshape \(source) into \(shape.shapeText) (\(shape.elementCount) values)"))
        }
        return .success(shape)
    }

    /// Reshapes in runexp's order (channels last), whatever PyTorch's tensors are ordered by.
    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        TorchModule("ChannelsLastReshape(\(shape.map(String.init).joined(separator: ", ")))")
    }
}
