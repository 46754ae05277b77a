/// The mutation engine every fuzz target shares, in the tests and in `runexp-fuzz`.
///
/// An input starts as one of the target's valid seed files and receives a stack of mutations, the
/// kinds AFL and libFuzzer use: bit flips, random bytes, interesting integers (0, −1, the edges of
/// each width, in both byte orders), small arithmetic, chunk deletion, insertion, duplication and
/// overwriting, truncation, splicing with another seed, and tokens from the target's dictionary
/// (header keys, opcodes, numbers that overflow). Everything is drawn from one `FuzzRandom`, so the
/// same generator state always makes the same input.
public struct Mutator {
    /// Valid inputs that mutations start from and splice with; never empty.
    public let seeds: [[UInt8]]
    /// Byte strings that mean something to the format (keys, opcodes, magic numbers, numbers).
    public let dictionary: [[UInt8]]
    /// Inputs are cut to this many bytes.
    public let maxLength: Int
    /// Fixes the format's checksums; applied to half of the inputs, so both sides are tried.
    public let repair: (@Sendable (inout [UInt8]) -> Void)?

    /// A mutator over `seeds` (at least one) with the format's `dictionary` and checksum `repair`.
    public init(
        seeds: [[UInt8]], dictionary: [[UInt8]], maxLength: Int, repair: (@Sendable (inout [UInt8]) -> Void)? = nil
    ) {
        precondition(!seeds.isEmpty, "a mutator needs at least one seed")
        self.seeds = seeds
        self.dictionary = dictionary
        self.maxLength = maxLength
        self.repair = repair
    }

    /// Widths and values that sit on the edges of integer ranges, where size checks go wrong.
    static let interesting: [UInt64] = [
        0, 1, 2, 3, 4, 7, 8, 16, 32, 64, 100, 127, 128, 255, 256, 512, 1000, 1024, 4096, 32767, 32768, 65535, 65536,
        0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000,
        UInt64.max, UInt64.max - 1, UInt64(bitPattern: -2), UInt64(bitPattern: -128), UInt64(bitPattern: -129),
    ]

    /// Decimal numbers for text formats: zero, negatives, the edges of Int32 and Int64, floats that overflow.
    static let interestingDecimals: [String] = [
        "0", "-1", "1", "-0", "255", "65536", "2147483647", "2147483648", "-2147483649", "4294967296",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616",
        "99999999999999999999", "1e308", "1e400", "-1e400", "nan", ".inf", "-.inf", "0x7fffffff", "1.5", "1e-400",
        "0.0000001", "16777217",
    ]

    /// A new input: a random seed with a stack of one to sixteen mutations.
    public func input(_ random: inout FuzzRandom) -> [UInt8] {
        var bytes = seeds[random.below(seeds.count)]
        for _ in 0..<random.smallCount(upTo: 16) {
            mutate(&bytes, &random)
            if bytes.count > maxLength { bytes.removeLast(bytes.count - maxLength) }
        }
        if let repair, random.oneIn(2) { repair(&bytes) }
        return bytes
    }

    /// Applies one random mutation to `bytes`.
    public func mutate(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        if bytes.isEmpty {
            bytes = seeds[random.below(seeds.count)]
            if bytes.isEmpty { return }
        }
        switch random.below(14) {
        case 0: bytes[random.below(bytes.count)] ^= 1 << UInt8(random.below(8))
        case 1: bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
        case 2: writeInteger(Self.interesting[random.below(Self.interesting.count)], into: &bytes, &random)
        case 3: addSmall(&bytes, &random)
        case 4: deleteChunk(&bytes, &random)
        case 5: insertBytes(&bytes, &random)
        case 6: duplicateChunk(&bytes, &random)
        case 7: overwriteChunk(&bytes, &random)
        case 8: bytes.removeLast(random.below(bytes.count))
        case 9: splice(&bytes, &random)
        case 10, 11: useToken(&bytes, &random)
        case 12: replaceNumber(&bytes, &random)
        default: bytes = bytes.count > 1 && random.oneIn(2) ? Array(bytes.reversed()) : bytes + bytes
        }
    }

    private func chunk(_ count: Int, _ random: inout FuzzRandom) -> Range<Int> {
        let start = random.below(count)
        let length = min(random.smallCount(upTo: 256), count - start)
        return start..<(start + length)
    }

    private func writeInteger(_ value: UInt64, into bytes: inout [UInt8], _ random: inout FuzzRandom) {
        let width = [1, 2, 4, 8][random.below(4)]
        guard bytes.count >= width else { return }
        let at = random.below(bytes.count - width + 1)
        let bigEndian = random.oneIn(2)
        for index in 0..<width {
            let shift = UInt64(8 * (bigEndian ? width - 1 - index : index))
            bytes[at + index] = UInt8(truncatingIfNeeded: value >> shift)
        }
    }

    private func addSmall(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        let at = random.below(bytes.count)
        let delta = UInt8(1 + random.below(35))
        bytes[at] = random.oneIn(2) ? bytes[at] &+ delta : bytes[at] &- delta
    }

    private func deleteChunk(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        bytes.removeSubrange(chunk(bytes.count, &random))
    }

    private func insertBytes(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        let at = random.below(bytes.count + 1)
        if random.oneIn(2) {
            let byte = random.oneIn(2) ? UInt8(truncatingIfNeeded: random.next()) : bytes[random.below(bytes.count)]
            bytes.insert(contentsOf: repeatElement(byte, count: random.smallCount(upTo: 512)), at: at)
        } else {
            let count = random.smallCount(upTo: 16)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
        }
    }

    private func duplicateChunk(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        let source = Array(bytes[chunk(bytes.count, &random)])
        bytes.insert(contentsOf: source, at: random.below(bytes.count + 1))
    }

    private func overwriteChunk(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        let source = Array(bytes[chunk(bytes.count, &random)])
        let at = random.below(bytes.count)
        let count = min(source.count, bytes.count - at)
        bytes.replaceSubrange(at..<(at + count), with: source[..<count])
    }

    private func splice(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        let other = seeds[random.below(seeds.count)]
        guard !other.isEmpty else { return }
        let cut = random.below(bytes.count + 1)
        let from = random.below(other.count)
        bytes = Array(bytes[..<cut]) + other[from...]
    }

    private func useToken(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        guard !dictionary.isEmpty else { return insertBytes(&bytes, &random) }
        let token = dictionary[random.below(dictionary.count)]
        let at = random.below(bytes.count + 1)
        if random.oneIn(2) || at == bytes.count {
            bytes.insert(contentsOf: token, at: at)
        } else {
            let count = min(token.count, bytes.count - at)
            bytes.replaceSubrange(at..<(at + count), with: token)
        }
    }

    /// Replaces a run of ASCII digits (a number in a text header or a spec) with an interesting decimal.
    private func replaceNumber(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        let start = random.below(bytes.count)
        guard let first = bytes[start...].firstIndex(where: isDigit) ?? bytes[..<start].firstIndex(where: isDigit)
        else { return writeInteger(Self.interesting[random.below(Self.interesting.count)], into: &bytes, &random) }
        let end = bytes[first...].firstIndex { !isDigit($0) } ?? bytes.count
        let number = Self.interestingDecimals[random.below(Self.interestingDecimals.count)]
        bytes.replaceSubrange(first..<end, with: Array(number.utf8))
    }
}

/// Repairs that keep a mutated input past a format's checksums some of the time, so that mutations
/// reach the code behind them instead of stopping at the first CRC check.
public enum ChecksumRepair {
    /// Recomputes the CRC-32 of every whole PNG chunk after the signature.
    public static func png(_ bytes: inout [UInt8]) {
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard length <= bytes.count - offset - 12 else { return }
            let crc = crc32(bytes[(offset + 4)..<(offset + 8 + length)])
            for index in 0..<4 {
                bytes[offset + 8 + length + index] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * index))
            }
            offset += 12 + length
        }
    }

    /// Recomputes the CRC-32 of every stored (uncompressed) zip member, in its local header and its
    /// central-directory entry, so mutations inside a member reach the `.npy` reader behind the zip.
    public static func zip(_ bytes: inout [UInt8]) {
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        func put32(_ value: UInt32, _ at: Int) {
            for index in 0..<4 { bytes[at + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
        }
        guard bytes.count >= 22,
            let end = stride(from: bytes.count - 22, through: 0, by: -1).first(where: {
                bytes[$0] == 0x50 && bytes[$0 + 1] == 0x4B && bytes[$0 + 2] == 5 && bytes[$0 + 3] == 6
            })
        else { return }
        var entry = u32(end + 16)
        for _ in 0..<min(u16(end + 10), 64) {
            guard entry >= 0, entry + 46 <= bytes.count, u32(entry) == 0x0201_4B50 else { return }
            let (method, size, local) = (u16(entry + 10), u32(entry + 20), u32(entry + 42))
            if method == 0, local + 30 <= bytes.count, u32(local) == 0x0403_4B50 {
                let start = local + 30 + u16(local + 26) + u16(local + 28)
                if size != 0xFFFF_FFFF, start + size <= bytes.count {
                    let crc = crc32(bytes[start..<(start + size)])
                    put32(crc, entry + 16)
                    put32(crc, local + 14)
                }
            }
            entry += 46 + u16(entry + 28) + u16(entry + 30) + u16(entry + 32)
        }
    }

    static let table: [UInt32] = (0..<256).map { index in
        (0..<8).reduce(UInt32(index)) { value, _ in value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
    }

    /// The CRC-32 of zip, gzip and PNG.
    public static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        ~bytes.reduce(~UInt32(0)) { crc, byte in table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    }
}
