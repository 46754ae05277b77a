/// SplitMix64: the fuzzer's own small seeded generator, so that input `i` of a campaign can be made
/// again from `(seed, i)` alone, without replaying the inputs before it.
public struct FuzzRandom: Sendable {
    private var state: UInt64

    /// A generator whose whole future is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The generator for input `iteration` of the campaign seeded with `seed`.
    public init(seed: UInt64, iteration: Int) {
        var mixer = FuzzRandom(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        state = mixer.next() &+ UInt64(truncatingIfNeeded: iteration) &* 0xD1B5_4A32_D192_ED03
        _ = next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (`bound` > 0).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "FuzzRandom.below needs a positive bound")
        return Int(next() % UInt64(bound))
    }

    /// True with probability 1/`odds`.
    public mutating func oneIn(_ odds: Int) -> Bool { below(odds) == 0 }

    /// A small count in `1...limit`, small values far more likely (each doubling half as likely).
    public mutating func smallCount(upTo limit: Int) -> Int {
        let scale = 1 << below(max(1, Int.bitWidth - (limit - 1).leadingZeroBitCount) + 1)
        return 1 + below(min(scale, limit))
    }
}
