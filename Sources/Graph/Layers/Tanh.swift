import Kernels

/// The `tanh` activation: the hyperbolic tangent.
public struct Tanh: ActivationLayer {
    public var activation: Activation { .tanh }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule { TorchModule("nn.Tanh()") }
}
