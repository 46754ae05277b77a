/// The parsed header of a `.npy` file: dtype text, memory order, shape, and where the data starts.
public struct NpyHeader: Sendable, Equatable {
    /// The `descr` string as written, e.g. `<f4` or `|O`.
    public let descr: String
    /// Whether the data is stored in Fortran (column-major) order.
    public let fortranOrder: Bool
    /// The array's shape.
    public let shape: [Int]
    /// The byte offset at which the array data begins.
    public let dataOffset: Int

    /// Parses the magic, version, header length and header dict at the start of `bytes`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, source: String) throws -> NpyHeader {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            let found = Array(bytes.prefix(6)).map { String($0, radix: 16) }.joined(separator: " ")
            throw SourceError(source, "not a .npy file: expected magic 93 4e 55 4d 50 59 (\\x93NUMPY), found \(found)")
        }
        let major = bytes[6]
        guard (1...3).contains(major) else {
            throw SourceError(source, "unsupported .npy format version \(major).\(bytes[7]); expected 1.0, 2.0 or 3.0")
        }
        guard let (lengthStart, headerLength) = textExtent(bytes) else {
            throw SourceError(source, "truncated .npy header: expected 12 bytes of preamble, found \(bytes.count)")
        }
        let dataOffset = lengthStart + headerLength
        guard dataOffset <= bytes.count else {
            throw SourceError(
                source,
                "truncated .npy header: header says \(headerLength) bytes, only \(bytes.count - lengthStart) present")
        }
        let text = bytes[lengthStart..<dataOffset]
        guard text.last == 0x0A else {
            throw SourceError(source, "malformed .npy header: expected it to end with a newline")
        }
        var parser = HeaderDictParser(text: Array(text), source: source)
        let dict = try parser.parseDict()
        return NpyHeader(descr: dict.descr, fortranOrder: dict.fortranOrder, shape: dict.shape, dataOffset: dataOffset)
    }

    /// Where the header's text starts and how long it is, by the preamble at the start of `bytes`
    /// (magic, version, length); nil when the version is unknown or the preamble incomplete. With it
    /// a reader of a large file reads the header alone.
    static func textExtent(_ bytes: UnsafeRawBufferPointer) -> (start: Int, length: Int)? {
        guard bytes.count >= 10 else { return nil }
        switch bytes[6] {
        case 1: return (10, Int(bytes[8]) | Int(bytes[9]) << 8)
        case 2, 3:
            guard bytes.count >= 12 else { return nil }
            return (12, (8..<12).reduce(0) { $0 | Int(bytes[$1]) << (8 * ($1 - 8)) })
        default: return nil
        }
    }

    /// The numeric dtype and byte order named by `descr`, or an error for object, string or
    /// structured dtypes.
    public func numericType(source: String) throws -> (dtype: DType, order: ByteOrder) {
        let chars = Array(descr)
        if chars.count >= 2 && chars[1] == "O" {
            throw SourceError(
                source,
                "unsupported dtype '\(descr)' (an object array: a pickle such as the assignment's MNIST_M.npy, read as `{homework: PATH}`): expected bool, int, uint or float"
            )
        }
        guard chars.count >= 3, let size = Int(String(chars[2...])) else {
            throw SourceError(source, "unsupported dtype '\(descr)': expected a numeric type such as '<f4' or '|u1'")
        }
        let order: ByteOrder
        switch chars[0] {
        case "<": order = .little
        case ">": order = .big
        case "|", "=": order = .host
        default: throw SourceError(source, "unsupported dtype '\(descr)': unknown byte order '\(chars[0])'")
        }
        guard let dtype = DType(kind: chars[1], size: size) else {
            throw SourceError(source, "unsupported dtype '\(descr)': expected bool, int, uint or float")
        }
        return (dtype, order)
    }
}

/// A strict parser for the Python dict literal in a `.npy` header; accepts only the three keys.
struct HeaderDictParser {
    let text: [UInt8]
    let source: String
    var position = 0

    init(text: [UInt8], source: String) {
        self.text = text
        self.source = source
    }

    mutating func parseDict() throws -> (descr: String, fortranOrder: Bool, shape: [Int]) {
        try expect("{")
        var descr: String?
        var fortran: Bool?
        var shape: [Int]?
        while try peekNonSpace() != UInt8(ascii: "}") {
            let key = try parseString()
            try expect(":")
            switch key {
            case "descr" where descr == nil:
                if try peekNonSpace() == UInt8(ascii: "[") {
                    throw SourceError(
                        source, "structured dtypes (a 'descr' list) are not supported; expected one numeric type")
                }
                descr = try parseString()
            case "fortran_order" where fortran == nil: fortran = try parseBool()
            case "shape" where shape == nil: shape = try parseShape()
            default: throw fail("unexpected or repeated key '\(key)'")
            }
            if try peekNonSpace() == UInt8(ascii: ",") { position += 1 } else { break }
        }
        try expect("}")
        while position < text.count, text[position] == 0x20 || text[position] == 0x0A { position += 1 }
        guard position == text.count else { throw fail("unexpected text after the header dict") }
        guard let descr, let fortran, let shape else {
            throw fail("expected keys 'descr', 'fortran_order' and 'shape'")
        }
        return (descr, fortran, shape)
    }

    private func fail(_ what: String) -> SourceError {
        SourceError(source, "malformed .npy header at character \(position): \(what)")
    }

    private mutating func peekNonSpace() throws -> UInt8 {
        while position < text.count, text[position] == 0x20 { position += 1 }
        guard position < text.count else { throw fail("header ends early") }
        return text[position]
    }

    private mutating func expect(_ char: Unicode.Scalar) throws {
        guard try peekNonSpace() == UInt8(ascii: char) else { throw fail("expected '\(char)'") }
        position += 1
    }

    private mutating func parseString() throws -> String {
        let quote = try peekNonSpace()
        guard quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else { throw fail("expected a quoted string") }
        let start = position + 1
        guard let end = text[start...].firstIndex(of: quote) else { throw fail("unterminated string") }
        let value = text[start..<end]
        guard value.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }) else {
            throw fail("string with unsupported characters")
        }
        position = end + 1
        return String(decoding: value, as: UTF8.self)
    }

    private mutating func parseBool() throws -> Bool {
        _ = try peekNonSpace()
        for (word, value) in [("True", true), ("False", false)] where text[position...].starts(with: word.utf8) {
            position += word.utf8.count
            return value
        }
        throw fail("expected True or False")
    }

    private mutating func parseShape() throws -> [Int] {
        try expect("(")
        var dims: [Int] = []
        while try peekNonSpace() != UInt8(ascii: ")") {
            dims.append(try parseDimension())
            guard dims.count <= 64 else { throw fail("more than 64 dimensions") }
            if try peekNonSpace() == UInt8(ascii: ",") { position += 1 } else { break }
        }
        try expect(")")
        return dims
    }

    private mutating func parseDimension() throws -> Int {
        if try peekNonSpace() == UInt8(ascii: "-") {
            throw SourceError(source, "malformed .npy header: shape has a negative dimension")
        }
        var value = 0
        var digits = 0
        while position < text.count, let digit = text[position].asciiDigit {
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.addingReportingOverflow(digit)
            guard !overflowA, !overflowB else {
                throw SourceError(source, "malformed .npy header: shape dimension too large to represent")
            }
            value = next
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw fail("expected a dimension") }
        return value
    }
}

extension UInt8 {
    /// The value of an ASCII decimal digit, or nil for any other byte.
    var asciiDigit: Int? { (0x30...0x39).contains(self) ? Int(self - 0x30) : nil }
}
