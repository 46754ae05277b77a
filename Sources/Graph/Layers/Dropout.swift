/// Inverted dropout: in training, zeroes each value with probability `rate` and scales the rest by
/// 1/(1−rate); in evaluation, the identity. Masks come from the run's `dropout` random stream.
public struct Dropout: ElementwiseLayer {
    public let rate: Double
}
