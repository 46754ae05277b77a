import Kernels

/// The `sigmoid` activation: 1 / (1 + e^-x), computed without overflow.
public struct Sigmoid: ActivationLayer {
    public var activation: Activation { .sigmoid }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule { TorchModule("nn.Sigmoid()") }
}
