/// The `tanh` activation: the hyperbolic tangent.
public struct Tanh: ElementwiseLayer {}
