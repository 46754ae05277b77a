import Kernels

/// Layer normalization (PyTorch's `nn.LayerNorm` over all of a sample's values: C, H, W for an image,
/// the features of a vector): each sample normalized by its own mean and biased variance, then
/// scaled and shifted value by value (γ and β have the sample's shape). The same in training and
/// evaluation.
public struct LayerNorm: Layer {
    public let epsilon: Double

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> { .success(input) }

    /// γ and β in runexp's sample order (H, W, C); PyTorch holds them as [C, H, W].
    public func parameters(for input: SampleShape) -> [ParameterShape] {
        let axes = TorchLayout.sampleShape(Array(input.indices))
        return [
            ParameterShape(name: "gamma", shape: input, constant: 1, torchName: "weight", torchAxes: axes),
            ParameterShape(name: "beta", shape: input, constant: 0, torchName: "bias", torchAxes: axes),
        ]
    }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        let shape = TorchLayout.sampleShape(input).map(String.init).joined(separator: ", ")
        return TorchModule("nn.LayerNorm([\(shape)], eps=\(TorchModule.number(epsilon)))")
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int { saturatingProduct([input.elementCount, 5]) }

    /// Each sample's mean and inverse standard deviation, saved for backward.
    public func scratch(input: SampleShape, output: SampleShape, batch: Int) -> ScratchSize {
        ScratchSize(floats: 2 * batch)
    }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        GroupNormalization(b, groups: 1, perElementAffine: true).forward(epsilon: epsilon)
    }

    public func backward(_ b: LayerBuffers) {
        GroupNormalization(b, groups: 1, perElementAffine: true).backward()
    }
}
