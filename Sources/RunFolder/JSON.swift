/// A JSON value written with sorted keys and shortest round-trip numbers, so the same values always
/// give the same bytes (result files are compared byte for byte).
public indirect enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case integer(Int)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    /// The value as a number, for `.number` and `.integer`; nil otherwise.
    public var numberValue: Double? {
        switch self {
        case .number(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    /// The value as text, for `.string`; nil otherwise.
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// Compact text on one line (for `metrics.jsonl`).
    public var compact: String { render(indent: nil, level: 0) }

    /// Indented text (for `metrics.json` and `run.json`), ending with a newline.
    public var pretty: String { render(indent: 2, level: 0) + "\n" }

    private func render(indent: Int?, level: Int) -> String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .number(let value): return value.isFinite ? JSON.format(value) : "null"
        case .string(let value): return JSON.quote(value)
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            return container("[", "]", items.map { $0.render(indent: indent, level: level + 1) }, indent, level)
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            let parts = members.keys.sorted().map { key in
                JSON.quote(key) + (indent == nil ? ":" : ": ") + members[key]!.render(indent: indent, level: level + 1)
            }
            return container("{", "}", parts, indent, level)
        }
    }

    private func container(_ open: String, _ close: String, _ parts: [String], _ indent: Int?, _ level: Int) -> String {
        guard let indent else { return open + parts.joined(separator: ",") + close }
        let inner = String(repeating: " ", count: indent * (level + 1))
        let outer = String(repeating: " ", count: indent * level)
        return open + "\n" + parts.map { inner + $0 }.joined(separator: ",\n") + "\n" + outer + close
    }

    /// The shortest text that reads back as `value` (a whole number without a fraction).
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
