/// A stream of random 64-bit words, such as one of the project's seeded named streams. Anything
/// that is a `RandomNumberGenerator` can conform with an empty extension.
public protocol RandomSource {
    /// The next uniformly random 64-bit word.
    mutating func next() -> UInt64
}

extension RandomSource {
    /// A uniformly random integer in `0..<upperBound` (`upperBound` > 0), by Lemire's unbiased
    /// multiply-and-reject method, so the same words always give the same indices on every platform.
    public mutating func index(below upperBound: Int) -> Int {
        guard upperBound > 1 else { return 0 }
        let bound = UInt64(upperBound)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }
}
