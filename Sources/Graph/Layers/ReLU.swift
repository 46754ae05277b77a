/// The `relu` activation: max(0, x).
public struct ReLU: ElementwiseLayer {}
