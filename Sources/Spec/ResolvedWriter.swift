/// Writes a YAML tree back as YAML, optionally marking each value with where it came from.
///
/// The output parses back to the same tree. Scalars are quoted whenever plain YAML would read them
/// differently; small collections of scalars stay on one line.
public struct ResolvedWriter {
    /// Put `# file:line:col`, `# --set …` or `# default` after each value.
    public var showOrigins: Bool
    /// The column origin comments start at, so they line up.
    public var commentColumn = 44

    public init(showOrigins: Bool) {
        self.showOrigins = showOrigins
    }

    /// The whole tree as YAML text, ending with a newline.
    public func write(_ node: YAMLNode) -> String {
        var lines: [String] = []
        if let entries = node.entries {
            block(entries, indent: 0, into: &lines)
        } else {
            lines.append(line(inline(node), node))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func block(_ entries: [YAMLEntry], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for entry in entries {
            let key = pad + Self.quote(entry.key) + ":"
            appendValue(entry.value, prefix: key, indent: indent, into: &lines)
        }
    }

    private func appendValue(_ value: YAMLNode, prefix: String, indent: Int, into lines: inout [String]) {
        if fitsOnOneLine(value) {
            lines.append(line(prefix + " " + inline(value), value))
            return
        }
        lines.append(prefix)
        switch value.content {
        case .mapping(let entries): block(entries, indent: indent + 2, into: &lines)
        case .sequence(let items):
            let pad = String(repeating: " ", count: indent + 2)
            for item in items {
                if let entries = item.entries, !fitsOnOneLine(item), let first = entries.first {
                    var nested: [String] = []
                    block(entries, indent: indent + 4, into: &nested)
                    if !nested.isEmpty {
                        nested[0] = pad + "- " + nested[0].dropFirst(indent + 4)
                        lines += nested
                    } else {
                        lines.append(line(pad + "- " + Self.quote(first.key) + ": {}", item))
                    }
                } else if let entries = item.entries, entries.count == 1, let only = entries.first,
                    fitsOnOneLine(only.value)
                {
                    lines.append(line(pad + "- " + Self.quote(only.key) + ": " + inline(only.value), only.value))
                } else {
                    appendValue(item, prefix: pad + "-", indent: indent + 2, into: &lines)
                }
            }
        case .scalar: break
        }
    }

    private func fitsOnOneLine(_ node: YAMLNode) -> Bool {
        switch node.content {
        case .scalar: return true
        case .sequence(let items):
            return items.isEmpty
                || (items.allSatisfy { $0.scalarText != nil || ($0.isFlow && fitsOnOneLine($0)) }
                    && (node.isFlow || items.allSatisfy { $0.scalarText != nil }) && inline(node).count <= 72)
        case .mapping(let entries):
            return entries.isEmpty || (node.isFlow && inline(node).count <= 72)
        }
    }

    /// The node in flow style: `[28, 28, 1]`, `{dense: {units: 1000, bias: true}}`.
    public func inline(_ node: YAMLNode) -> String {
        switch node.content {
        case .scalar(let text): return Self.scalar(text, quoted: node.isQuoted, inFlow: false)
        case .sequence, .mapping: return flow(node)
        }
    }

    private func flow(_ node: YAMLNode) -> String {
        switch node.content {
        case .scalar(let text): return Self.scalar(text, quoted: node.isQuoted, inFlow: true)
        case .sequence(let items): return "[" + items.map(flow).joined(separator: ", ") + "]"
        case .mapping(let entries):
            return "{" + entries.map { Self.quote($0.key) + ": " + flow($0.value) }.joined(separator: ", ") + "}"
        }
    }

    /// Every scalar under `node` with the key it sits under, for origin notes.
    private func leaves(_ node: YAMLNode, key: String) -> [(key: String, origin: Origin)] {
        switch node.content {
        case .scalar: return [(key, node.origin)]
        case .sequence(let items): return items.flatMap { leaves($0, key: key) }
        case .mapping(let entries): return entries.flatMap { leaves($0.value, key: $0.key) }
        }
    }

    /// `text` followed by a note saying where the values on this line came from: the first value's
    /// place, then any values on the line that came from elsewhere (`line 31; default: beta1, beta2`).
    private func line(_ text: String, _ node: YAMLNode) -> String {
        guard showOrigins else { return text }
        let all = leaves(node, key: "")
        let primary = all.first { $0.origin != .defaulted }?.origin ?? all.first?.origin ?? node.origin
        var note = Self.note(primary)
        var others: [(String, [String])] = []
        for leaf in all where Self.note(leaf.origin) != Self.note(primary) {
            let label = Self.note(leaf.origin)
            if let index = others.firstIndex(where: { $0.0 == label }) {
                others[index].1.append(leaf.key)
            } else {
                others.append((label, [leaf.key]))
            }
        }
        for (label, keys) in others { note += "; \(label): \(keys.joined(separator: ", "))" }
        return text.padding(toLength: max(commentColumn, text.count + 2)) + "# " + note
    }

    private static func note(_ origin: Origin) -> String {
        switch origin {
        case .file(let location): return "line \(location.line)"
        case .argument(let argument): return argument
        case .defaulted: return "default"
        }
    }

    static func quote(_ text: String) -> String { needsQuotes(text, inFlow: true) ? quoted(text) : text }

    /// A scalar's text as YAML: plain where that reads back the same, quoted otherwise. Text that was
    /// quoted in the spec stays quoted where it could be mistaken for a number, a boolean or null.
    static func scalar(_ text: String, quoted: Bool, inFlow: Bool) -> String {
        let ambiguous =
            quoted
            && (Double(text) != nil
                || ["true", "false", "yes", "no", "on", "off", "null", "~"].contains(text.lowercased()))
        return ambiguous || needsQuotes(text, inFlow: inFlow) ? Self.quoted(text) : text
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Plain text YAML would read as something else, or not at all.
    static func needsQuotes(_ text: String, inFlow: Bool) -> Bool {
        if text.isEmpty || text != text.trimmedSpaces { return true }
        if let first = text.first, "-?:,[]{}#&*!|>'\"%@`".contains(first) {
            // A negative number stays plain (`-1E+5`, `-1_000` too), so that it reads back as a number.
            return !(first == "-" && ScalarDecoder.isDecimalNumber(text))
        }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") { return true }
        if inFlow, ["[", "]", "{", "}", ","].contains(where: { text.contains($0) }) { return true }
        return text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }

    func leftPadded(to length: Int, with pad: Character = "0") -> String {
        count >= length ? self : String(repeating: pad, count: length - count) + self
    }

    var trimmedSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
