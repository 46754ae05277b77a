import Kernels

/// Batch normalization over the last axis (channels of an image, features of a vector): normalizes by
/// the batch's statistics in training and by running statistics in evaluation, then scales and shifts.
public struct BatchNorm: Layer {
    public let momentum: Double
    public let epsilon: Double

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> { .success(input) }

    public func parameters(for input: SampleShape) -> [ParameterShape] {
        let channels = input.last ?? 0
        return [
            ParameterShape(name: "gamma", shape: [channels], constant: 1, torchName: "weight"),
            ParameterShape(name: "beta", shape: [channels], constant: 0, torchName: "bias"),
            ParameterShape(name: "running_mean", shape: [channels], trainable: false, constant: 0),
            ParameterShape(name: "running_var", shape: [channels], trainable: false, constant: 1),
        ]
    }

    /// Over the channels of an image (`BatchNorm2d`) or the features of a vector (`BatchNorm1d`);
    /// PyTorch's momentum and unbiased running variance are runexp's.
    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        let dimensions = max(input.count - 1, 1)
        return TorchModule(
            "nn.BatchNorm\(dimensions)d(\(input.last ?? 0), eps=\(TorchModule.number(epsilon)), "
                + "momentum=\(TorchModule.number(momentum)))", counters: ["num_batches_tracked"])
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int { 2 * input.elementCount }

    /// The batch mean and inverse standard deviation saved for backward, and the kernels' reductions.
    public func scratch(input: SampleShape, output: SampleShape, batch: Int) -> ScratchSize {
        let channels = input.last ?? 0
        return ScratchSize(floats: 2 * channels, doubles: batchNormScratchCount(channels: channels))
    }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        let channels = b.inputShape.last ?? 0
        let rows = b.batch * b.inputShape.elementCount / max(channels, 1)
        let p = b.parameters
        if b.training {
            batchNormTrainingForward(
                output: b.output, savedMean: b.scratch, savedInverseStd: b.scratch + channels, runningMean: p[2],
                runningVariance: p[3], input: b.input, gamma: p[0], beta: p[1], scratch: b.doubleScratch, rows: rows,
                channels: channels, momentum: Float(momentum), epsilon: Float(epsilon))
        } else {
            batchNormInferenceForward(
                output: b.output, input: b.input, runningMean: p[2], runningVariance: p[3], gamma: p[0], beta: p[1],
                scratch: b.doubleScratch, rows: rows, channels: channels, epsilon: Float(epsilon))
        }
    }

    public func backward(_ b: LayerBuffers) {
        let channels = b.inputShape.last ?? 0
        let rows = b.batch * b.inputShape.elementCount / max(channels, 1)
        if let gradients = b.gradients {
            batchNormBackward(
                dInput: nil, dGamma: gradients[0], dBeta: gradients[1], dOutput: b.dOutput, input: b.input,
                savedMean: b.scratch, savedInverseStd: b.scratch + channels, gamma: b.parameters[0],
                scratch: b.doubleScratch, rows: rows, channels: channels, accumulate: b.accumulateParameters)
        }
        if let dInput = b.dInput {
            batchNormBackward(
                dInput: dInput, dGamma: nil, dBeta: nil, dOutput: b.dOutput, input: b.input, savedMean: b.scratch,
                savedInverseStd: b.scratch + channels, gamma: b.parameters[0], scratch: b.doubleScratch, rows: rows,
                channels: channels, accumulate: b.accumulateInput)
        }
    }
}
