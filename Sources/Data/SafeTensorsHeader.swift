/// One tensor's entry in a `.safetensors` header, as written, before it is checked against the data.
struct SafeTensorsEntry {
    var name: String
    var dtype: String
    var shape: [Int]
    var begin: Int
    var end: Int
}

/// A strict parser for the JSON header of a `.safetensors` file.
///
/// It reads exactly the format's shape: one object whose members are `__metadata__` (an object of
/// strings) or tensors (objects with `dtype`, `shape` and `data_offsets`), with JSON strings,
/// non-negative integers and whitespace. Anything else — floats, `true`, `null`, unknown or repeated
/// keys, nesting beyond the format — is a `SourceError` naming `source` and the byte where it went wrong.
struct SafeTensorsHeaderParser {
    private let bytes: UnsafeRawBufferPointer
    private let source: String
    private var position = 0

    init(_ bytes: UnsafeRawBufferPointer, source: String) {
        self.bytes = bytes
        self.source = source
    }

    /// The header's tensors in header order, and its metadata.
    mutating func parse() throws -> (entries: [SafeTensorsEntry], metadata: [String: String]) {
        guard bytes.first == UInt8(ascii: "{") else {
            throw SourceError(source, "header does not start with '{'; this is not a safetensors file")
        }
        var entries: [SafeTensorsEntry] = []
        var metadata: [String: String]? = nil
        var names = Set<String>()
        try members { parser, key in
            guard names.insert(key).inserted else {
                throw parser.refusal(
                    key == SafeTensors.metadataKey ? "two __metadata__ entries" : "two tensors named \(key)")
            }
            if key == SafeTensors.metadataKey {
                metadata = try parser.stringMap()
            } else {
                entries.append(try parser.tensorInfo(name: key))
            }
        }
        skipWhitespace()
        guard position == bytes.count else { throw failure("unexpected \(found) after the header's object") }
        return (entries, metadata ?? [:])
    }

    /// The tensor description that follows a tensor's name.
    private mutating func tensorInfo(name: String) throws -> SafeTensorsEntry {
        var dtype: String? = nil
        var shape: [Int]? = nil
        var offsets: [Int]? = nil
        try members { parser, key in
            switch key {
            case "dtype" where dtype == nil: dtype = try parser.string()
            case "shape" where shape == nil: shape = try parser.integers()
            case "data_offsets" where offsets == nil: offsets = try parser.integers()
            case "dtype", "shape", "data_offsets": throw parser.refusal("tensor \(name) has two \(key) entries")
            default: throw parser.refusal("tensor \(name) has an unknown key \(key)")
            }
        }
        guard let dtype, let shape, let offsets else {
            let missing = [("dtype", dtype == nil), ("shape", shape == nil), ("data_offsets", offsets == nil)]
                .filter(\.1).map(\.0).joined(separator: ", ")
            throw refusal("tensor \(name) lacks \(missing)")
        }
        guard offsets.count == 2 else {
            throw refusal("tensor \(name) has data_offsets \(offsets); expected [begin, end]")
        }
        return SafeTensorsEntry(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
    }

    /// An object of string values, such as `__metadata__`.
    private mutating func stringMap() throws -> [String: String] {
        var map: [String: String] = [:]
        try members { parser, key in
            guard map[key] == nil else { throw parser.refusal("__metadata__ has two entries named \(key)") }
            map[key] = try parser.string()
        }
        return map
    }

    /// Parses `{ "key": value, ... }`, calling `member` to parse each value after its key.
    private mutating func members(_ member: (inout SafeTensorsHeaderParser, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
            skipWhitespace()
            guard let next = peek, next == UInt8(ascii: ",") || next == UInt8(ascii: "}") else {
                throw failure("expected ',' or '}' but found \(found)")
            }
            position += 1
            if next == UInt8(ascii: "}") { return }
        }
    }

    /// Parses `[n, ...]` of non-negative integers.
    private mutating func integers() throws -> [Int] {
        try expect(UInt8(ascii: "["))
        var values: [Int] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            position += 1
            return values
        }
        while true {
            skipWhitespace()
            values.append(try integer())
            skipWhitespace()
            guard let next = peek, next == UInt8(ascii: ",") || next == UInt8(ascii: "]") else {
                throw failure("expected ',' or ']' but found \(found)")
            }
            position += 1
            if next == UInt8(ascii: "]") { return values }
        }
    }

    /// A non-negative JSON integer that fits in `Int`; fractions, exponents and signs are refused.
    private mutating func integer() throws -> Int {
        let start = position
        var value = 0
        while let byte = peek, (0x30...0x39).contains(byte) {
            let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(Int(byte - 0x30))
            guard !overflowA && !overflowB else { throw failure("integer is too large") }
            value = sum
            position += 1
        }
        guard position > start else { throw failure("expected a non-negative integer but found \(found)") }
        guard position - start == 1 || bytes[start] != 0x30 else { throw failure("integer has a leading zero") }
        if let byte = peek, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(byte) {
            throw failure("expected an integer but found a fraction or exponent")
        }
        return value
    }

    /// A JSON string, with its escapes decoded; the header's UTF-8 was validated beforehand.
    private mutating func string() throws -> String {
        skipWhitespace()
        try expect(UInt8(ascii: "\""))
        var utf8: [UInt8] = []
        while true {
            guard let byte = peek else { throw failure("string runs past the end of the header") }
            position += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"): try escape(into: &utf8)
            case 0..<0x20: throw failure("string holds a raw control character \(byte)")
            default: utf8.append(byte)
            }
        }
    }

    /// Decodes the escape after a backslash and appends its UTF-8.
    private mutating func escape(into utf8: inout [UInt8]) throws {
        guard let byte = peek else { throw failure("string runs past the end of the header") }
        position += 1
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
            UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let plain = simple[byte] {
            utf8.append(plain)
            return
        }
        guard byte == UInt8(ascii: "u") else { throw failure("unknown string escape \\\(Unicode.Scalar(byte))") }
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code) {
            guard peek == UInt8(ascii: "\\") else { throw failure("lone UTF-16 surrogate in a string escape") }
            position += 1
            try expect(UInt8(ascii: "u"))
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("lone UTF-16 surrogate in a string escape") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else { throw failure("lone UTF-16 surrogate in a string escape") }
        utf8 += Array(String(Character(scalar)).utf8)
    }

    /// Four hex digits of a `\u` escape.
    private mutating func hex4() throws -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek, let digit = Character(Unicode.Scalar(byte)).hexDigitValue else {
                throw failure("expected four hex digits after \\u but found \(found)")
            }
            code = code << 4 | UInt32(digit)
            position += 1
        }
        return code
    }

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// The byte at the current position, described for an error message.
    private var found: String {
        guard let byte = peek else { return "the end of the header" }
        return (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
    }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    private mutating func expect(_ wanted: UInt8) throws {
        skipWhitespace()
        guard peek == wanted else {
            throw failure("expected '\(Character(Unicode.Scalar(wanted)))' but found \(found)")
        }
        position += 1
    }

    /// A well-formed header that breaks the format's rules.
    private func refusal(_ problem: String) -> SourceError { SourceError(source, "header: \(problem)") }

    private func failure(_ problem: String) -> SourceError {
        SourceError(source, "header is not valid safetensors JSON at byte \(position): \(problem)")
    }
}
