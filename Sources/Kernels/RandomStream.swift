#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The four words of a `RandomStream`'s generator: everything needed to resume it exactly.
public struct RandomStreamState: Sendable, Equatable, Hashable, Codable {
    /// The generator's words, in xoshiro256**'s order.
    public var words: (UInt64, UInt64, UInt64, UInt64)

    /// Wraps four words, e.g. read back from a checkpoint.
    public init(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        words = (w0, w1, w2, w3)
    }

    /// The words as an array, for writing into a checkpoint.
    public var array: [UInt64] { [words.0, words.1, words.2, words.3] }

    /// Compares word by word (tuples do not conform to `Equatable`).
    public static func == (a: Self, b: Self) -> Bool { a.array == b.array }

    /// Hashes the four words.
    public func hash(into hasher: inout Hasher) { hasher.combine(array) }

    /// Decodes from an array of four words.
    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        self.init(
            try c.decode(UInt64.self), try c.decode(UInt64.self), try c.decode(UInt64.self),
            try c.decode(UInt64.self))
    }

    /// Encodes as an array of four words.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(contentsOf: array)
    }
}

/// A deterministic random stream named by `(seed, name)`: xoshiro256** keyed by SplitMix64
/// from the seed and the FNV-1a 64 hash of the name.
///
/// Each consumer (init, shuffle, prior, dropout, …) owns its own stream, so adding a stream
/// never shifts the numbers another one draws. The generator is fixed here and never delegates
/// to the standard library, whose algorithms may change between Swift releases.
public struct RandomStream: Sendable, Equatable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// The stream called `name` under run seed `seed`.
    public init(seed: UInt64, name: String) {
        // Mixing the seed before xoring in the name keeps (seed, name) pairs from colliding
        // through simple arithmetic relations between seeds and hashes.
        var key = splitMix64Finalize(splitMix64Finalize(seed) ^ fnv1a64(name))
        s0 = splitMix64Next(&key)
        s1 = splitMix64Next(&key)
        s2 = splitMix64Next(&key)
        s3 = splitMix64Next(&key)
        // xoshiro's one forbidden state; unreachable in practice but cheap to exclude.
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// Resumes a stream exactly where `state` was taken.
    public init(state: RandomStreamState) {
        (s0, s1, s2, s3) = state.words
    }

    /// The stream's position, for checkpoints; `init(state:)` continues from it.
    public var state: RandomStreamState { RandomStreamState(s0, s1, s2, s3) }

    /// The next 64 random bits (xoshiro256**).
    @inline(__always)
    public mutating func nextUInt64() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// A uniform `Float` in [0, 1): the top 24 bits, so every value is exactly representable.
    @inline(__always)
    public mutating func nextUniform() -> Float {
        Float(nextUInt64() >> 40) * 0x1p-24
    }

    /// A uniform `Double` in [0, 1) from the top 53 bits.
    @inline(__always)
    public mutating func nextUniformDouble() -> Double {
        Double(nextUInt64() >> 11) * 0x1p-53
    }

    /// A uniform integer in `0..<bound` without modulo bias (Lemire's multiply-and-reject).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        return index(below: bound)
    }

    /// Two independent standard normal samples by Box–Muller, computed in `Double`.
    @inline(__always)
    public mutating func nextNormalPair() -> (Double, Double) {
        // 1 − u lies in (0, 1], so the log is finite.
        let radius = (-2 * log(1 - nextUniformDouble())).squareRoot()
        let angle = 2 * Double.pi * nextUniformDouble()
        return (radius * cos(angle), radius * sin(angle))
    }

    /// One standard normal sample; uses a Box–Muller pair and drops its second half, so the
    /// state stays four words.
    public mutating func nextNormal() -> Float {
        Float(nextNormalPair().0)
    }

    /// Fills `buffer` with uniform values in `[lower, upper)`.
    public mutating func fillUniform(
        buffer: UnsafeMutablePointer<Float>, count: Int, lower: Float = 0, upper: Float = 1
    ) {
        let width = upper - lower
        for i in 0..<count { buffer[i] = lower + width * nextUniform() }
    }

    /// Fills `buffer` with normal values of the given mean and standard deviation, using both
    /// halves of each Box–Muller pair.
    public mutating func fillNormal(
        buffer: UnsafeMutablePointer<Float>, count: Int, mean: Float = 0, std: Float = 1
    ) {
        let m = Double(mean)
        let s = Double(std)
        var i = 0
        while i + 2 <= count {
            let (a, b) = nextNormalPair()
            buffer[i] = Float(m + s * a)
            buffer[i + 1] = Float(m + s * b)
            i += 2
        }
        if i < count { buffer[i] = Float(m + s * nextNormalPair().0) }
    }

    /// Shuffles `count` elements in place, uniformly over all permutations (Fisher–Yates).
    public mutating func shuffle<Element>(buffer: UnsafeMutablePointer<Element>, count: Int) {
        var i = count - 1
        while i > 0 {
            let j = nextInt(below: i + 1)
            if j != i { swap(&buffer[i], &buffer[j]) }
            i -= 1
        }
    }
}

/// FNV-1a 64 of a string's UTF-8 bytes: a stable name hash (Swift's `hashValue` is seeded per
/// process, so it cannot name a stream).
public func fnv1a64(_ string: String) -> UInt64 { fnv1a64(bytes: string.utf8) }

/// FNV-1a 64 of any bytes: the digest of parameters, specs and executables in run records.
/// `continuing` is the digest of the bytes before these, so that several buffers digest as one
/// without being copied together.
public func fnv1a64<Bytes: Sequence>(bytes: Bytes, continuing: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64
where Bytes.Element == UInt8 {
    // A contiguous buffer (Data, an array) is read through its pointer: Data's own iterator costs
    // several times the hash itself, which matters for the 20 MB executable's digest.
    bytes.withContiguousStorageIfAvailable { $0.reduce(continuing, fnv1aStep) }
        ?? bytes.reduce(continuing, fnv1aStep)
}

@inline(__always)
private func fnv1aStep(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }

/// SplitMix64's output function, a strong 64-bit mixer.
@inline(__always)
func splitMix64Finalize(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// Advances a SplitMix64 state and returns its next output.
@inline(__always)
func splitMix64Next(_ state: inout UInt64) -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return splitMix64Finalize(state)
}

@inline(__always)
private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
}

/// A stream of uniformly random 64-bit words: a `RandomStream`, or a test's replayed words.
public protocol RandomWordSource {
    /// The next uniformly random 64-bit word.
    mutating func next() -> UInt64
}

extension RandomWordSource {
    /// A uniformly random integer in `0..<upperBound` (0 when `upperBound` ≤ 1), by Lemire's unbiased
    /// multiply-and-reject method, so the same words give the same indices on every platform.
    public mutating func index(below upperBound: Int) -> Int {
        guard upperBound > 1 else { return 0 }
        let bound = UInt64(upperBound)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            // Reject the low `2^64 mod n` values so every result has the same number of preimages.
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }
}

extension RandomStream: RandomWordSource {
    public mutating func next() -> UInt64 { nextUInt64() }
}
