/// Reads back the JSON runexp writes, numbers exactly: Foundation's parser rounds some doubles on
/// Linux, and a resumed run must reproduce every digit of the records it reloads.
public struct JSONReader {
    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    /// The value in `text`, or nil when it is not valid JSON.
    public static func parse(_ text: String) -> JSON? {
        var reader = JSONReader(bytes: Array(text.utf8))
        guard let value = reader.value() else { return nil }
        reader.skipSpaces()
        return reader.position == reader.bytes.count ? value : nil
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func skipSpaces() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    private mutating func value() -> JSON? {
        skipSpaces()
        guard position < bytes.count, depth < 64 else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            return container(close: UInt8(ascii: "}")) { reader in
                guard case .string(let key)? = reader.string() else { return nil }
                reader.skipSpaces()
                guard reader.consume(UInt8(ascii: ":")), let value = reader.value() else { return nil }
                return (key, value)
            }.map { .object(Dictionary($0, uniquingKeysWith: { a, _ in a })) }
        case UInt8(ascii: "["):
            return container(close: UInt8(ascii: "]")) { reader in
                reader.value().map { ("", $0) }
            }.map { .array($0.map(\.1)) }
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func container(close: UInt8, _ element: (inout JSONReader) -> (String, JSON)?)
        -> [(String, JSON)]?
    {
        position += 1
        depth += 1
        defer { depth -= 1 }
        var items: [(String, JSON)] = []
        skipSpaces()
        if consume(close) { return items }
        while true {
            guard let item = element(&self) else { return nil }
            items.append(item)
            skipSpaces()
            if consume(close) { return items }
            guard consume(UInt8(ascii: ",")) else { return nil }
            skipSpaces()
        }
    }

    private mutating func literal(_ word: String, _ value: JSON) -> JSON? {
        let expected = Array(word.utf8)
        guard bytes.count - position >= expected.count, Array(bytes[position..<(position + expected.count)]) == expected
        else { return nil }
        position += expected.count
        return value
    }

    private mutating func number() -> JSON? {
        let start = position
        while position < bytes.count, "+-0123456789.eE".utf8.contains(bytes[position]) { position += 1 }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if let integer = Int(text) { return .integer(integer) }
        return Double(text).map(JSON.number)
    }

    private mutating func string() -> JSON? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
            raw.removeAll()
        }
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\"") {
                flush()
                return .string(String(scalars))
            }
            guard byte == UInt8(ascii: "\\") else {
                raw.append(byte)
                continue
            }
            flush()
            guard position < bytes.count else { return nil }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "u"):
                guard position + 4 <= bytes.count,
                    let code = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16),
                    let scalar = Unicode.Scalar(code)
                else { return nil }
                position += 4
                scalars.append(scalar)
            default: scalars.append(Unicode.Scalar(escape))
            }
        }
        return nil
    }
}
