import Kernels

/// The `leaky_relu` activation: x for x > 0, slope·x otherwise.
public struct LeakyReLU: ActivationLayer {
    public let slope: Double

    public var activation: Activation { .leakyReLU(slope: Float(slope)) }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        TorchModule("nn.LeakyReLU(\(TorchModule.number(slope)))")
    }
}
