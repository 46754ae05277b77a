/// The `leaky_relu` activation: x for x > 0, slope·x otherwise.
public struct LeakyReLU: ElementwiseLayer {
    public let slope: Double
}
