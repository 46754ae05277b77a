import Kernels

/// The `relu` activation: max(0, x).
public struct ReLU: ActivationLayer {
    public var activation: Activation { .relu }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule { TorchModule("nn.ReLU()") }
}
