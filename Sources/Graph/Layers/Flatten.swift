/// Flattens an image sample (H×W×C) into a vector; a view of the same buffer, no arithmetic.
public struct Flatten: ViewLayer {
    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        .success([input.elementCount])
    }

    /// `nn.Flatten` would take an image's values channel by channel; runexp's order is pixel by pixel.
    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        TorchModule("ChannelsLastReshape(\(input.elementCount))")
    }
}
