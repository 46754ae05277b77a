/// Bounds-checked reads of fixed-width integers from a byte buffer; every read past the end is a
/// `SourceError` naming `source`, never a trap.
struct ByteView {
    let bytes: UnsafeRawBufferPointer
    let source: String

    var count: Int { bytes.count }

    private func check(_ offset: Int, _ width: Int, _ what: String) throws {
        guard offset >= 0, width >= 0, offset <= bytes.count, width <= bytes.count - offset else {
            throw SourceError(
                source,
                "truncated: expected \(width) bytes of \(what) at offset \(offset), but the data is \(bytes.count) bytes"
            )
        }
    }

    func u8(_ offset: Int, _ what: String) throws -> UInt8 {
        try check(offset, 1, what)
        return bytes[offset]
    }

    func littleEndian(_ offset: Int, width: Int, _ what: String) throws -> UInt64 {
        try check(offset, width, what)
        var value: UInt64 = 0
        for index in (0..<width).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }

    func bigEndian(_ offset: Int, width: Int, _ what: String) throws -> UInt64 {
        try check(offset, width, what)
        var value: UInt64 = 0
        for index in 0..<width { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }

    func u16(_ offset: Int, _ what: String) throws -> Int { Int(try littleEndian(offset, width: 2, what)) }
    func u32(_ offset: Int, _ what: String) throws -> Int { Int(try littleEndian(offset, width: 4, what)) }

    /// A little-endian 64-bit length or offset, refused when it does not fit in `Int`.
    func u64(_ offset: Int, _ what: String) throws -> Int {
        let value = try littleEndian(offset, width: 8, what)
        guard value <= UInt64(Int.max) else { throw SourceError(source, "\(what) \(value) is too large") }
        return Int(value)
    }

    func slice(_ offset: Int, count: Int, _ what: String) throws -> UnsafeRawBufferPointer {
        try check(offset, count, what)
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }
}
