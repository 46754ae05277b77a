import Kernels

/// The `tanh` activation: the hyperbolic tangent.
public struct Tanh: ActivationLayer {
    public var activation: Activation { .tanh }
}
