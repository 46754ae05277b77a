import Kernels

/// Inverted dropout: in training, zeroes each value with probability `rate` and scales the rest by
/// 1/(1−rate); in evaluation, the identity. Masks come from the run's `dropout` random stream.
public struct Dropout: ElementwiseLayer {
    public let rate: Double

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        TorchModule("nn.Dropout(\(TorchModule.number(rate)))")
    }

    /// The mask of the last forward pass, which backward applies again.
    public func scratch(input: SampleShape, output: SampleShape, batch: Int) -> ScratchSize {
        ScratchSize(floats: batch * input.elementCount)
    }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        let count = b.batch * b.inputShape.elementCount
        guard b.training else {
            b.output.update(from: b.input, count: count)
            return
        }
        dropoutMask(mask: b.scratch, count: count, probability: Float(rate), stream: &random)
        dropoutForward(output: b.output, input: b.input, mask: b.scratch, count: count)
    }

    public func backward(_ b: LayerBuffers) {
        guard let dInput = b.dInput else { return }
        dropoutBackward(
            dInput: dInput, dOutput: b.dOutput, mask: b.scratch, count: b.batch * b.inputShape.elementCount,
            accumulate: b.accumulateInput)
    }
}
