/// Turns scalar nodes into typed values, reporting a located error when the text does not fit.
public struct ScalarDecoder {
    let log: DiagnosticLog

    public init(log: DiagnosticLog) {
        self.log = log
    }

    /// A whole number within `range`.
    public func int(_ node: YAMLNode, _ what: String, in range: ClosedRange<Int> = 0...Int.max) -> Int? {
        guard let text = plain(node, what, expected: "an integer") else { return nil }
        let digits = text.filter { $0 != "_" }
        guard let value = Int(digits) else {
            let isWhole = !digits.isEmpty && digits.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isNumber)
            let problem = isWhole ? "is out of range (\(describe(range)))" : "must be an integer"
            log.error(node.origin, "\(what) \(problem); found '\(text)'")
            return nil
        }
        return check(value, node, what, range)
    }

    /// A finite number within `range`.
    public func double(
        _ node: YAMLNode, _ what: String,
        in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
    )
        -> Double?
    {
        guard let text = plain(node, what, expected: "a number") else { return nil }
        let parsed = Double(text.filter { $0 != "_" })
        if let parsed, !parsed.isFinite {
            log.error(node.origin, "\(what) must be a finite number; found '\(text)'")
            return nil
        }
        // Swift's Double(_:) also reads hexadecimal (`-0x7fffffff`), which resolved.yaml would then
        // write quoted and no longer read back as a number: only decimal numbers are numbers here.
        guard let value = parsed, Self.isDecimalNumber(text) else {
            log.error(node.origin, "\(what) must be a decimal number such as 0.5 or 1.0e-3; found '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            log.error(node.origin, "\(what) must be in \(describe(range)); found \(text)")
            return nil
        }
        return value
    }

    /// True when `text` is a decimal number: an optional sign, digits with at most one point (at
    /// least one digit), an optional exponent `e`/`E` with an optional sign; `_` may separate digits.
    public static func isDecimalNumber(_ text: String) -> Bool {
        var rest = Substring(text.filter { $0 != "_" })
        if let sign = rest.first, sign == "-" || sign == "+" { rest = rest.dropFirst() }
        let mantissa = rest.prefix { $0 != "e" && $0 != "E" }
        var exponent = rest.dropFirst(mantissa.count)
        let digits = mantissa.filter { $0 != "." }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), mantissa.count - digits.count <= 1
        else { return false }
        guard !exponent.isEmpty else { return true }
        exponent = exponent.dropFirst()
        if let sign = exponent.first, sign == "-" || sign == "+" { exponent = exponent.dropFirst() }
        return !exponent.isEmpty && exponent.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `true` or `false`.
    public func bool(_ node: YAMLNode, _ what: String) -> Bool? {
        guard let text = plain(node, what, expected: "true or false") else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            log.error(node.origin, "\(what) must be true or false; found '\(text)'")
            return nil
        }
    }

    /// Any scalar text (quoted or not).
    public func string(_ node: YAMLNode, _ what: String) -> String? {
        guard let text = node.scalarText, !node.isNull else {
            log.error(node.origin, "\(what) must be a text value; found \(node.kindDescription)")
            return nil
        }
        return text
    }

    /// One of `choices`, suggesting the nearest when it is not.
    public func choice(_ node: YAMLNode, _ what: String, _ choices: [String]) -> String? {
        guard let text = string(node, what) else { return nil }
        guard choices.contains(text) else {
            log.error(node.origin, "unknown \(what) '\(text)'\(NearestName.hint(text, in: choices))")
            return nil
        }
        return text
    }

    /// A list of whole numbers, each within `range`: `[28, 28, 3]`, or one number as a list of one.
    public func intList(_ node: YAMLNode, _ what: String, in range: ClosedRange<Int> = 1...Int.max) -> [Int]? {
        guard let items = node.items else {
            if node.scalarText != nil, !node.isNull { return int(node, what, in: range).map { [$0] } }
            log.error(
                node.origin, "\(what) must be a list of integers such as [28, 28, 1]; found \(node.kindDescription)")
            return nil
        }
        if items.isEmpty {
            log.error(node.origin, "\(what) must not be empty")
            return nil
        }
        let values = items.map { int($0, what, in: range) }
        return values.contains(where: { $0 == nil }) ? nil : values.compactMap { $0 }
    }

    /// A list of names, or one name as a list of one.
    public func nameList(_ node: YAMLNode, _ what: String) -> [(String, Origin)]? {
        if node.scalarText != nil, !node.isNull { return string(node, what).map { [($0, node.origin)] } }
        guard let items = node.items else {
            log.error(node.origin, "\(what) must be a list of names; found \(node.kindDescription)")
            return nil
        }
        let names = items.map { item in string(item, what).map { ($0, item.origin) } }
        return names.contains(where: { $0 == nil }) ? nil : names.compactMap { $0 }
    }

    private func plain(_ node: YAMLNode, _ what: String, expected: String) -> String? {
        guard let text = node.scalarText, !node.isNull else {
            log.error(node.origin, "\(what) must be \(expected); found \(node.kindDescription)")
            return nil
        }
        if node.isQuoted {
            log.error(node.origin, "\(what) must be \(expected); found the quoted text \"\(text)\"")
            return nil
        }
        return text
    }

    private func check(_ value: Int, _ node: YAMLNode, _ what: String, _ range: ClosedRange<Int>) -> Int? {
        guard range.contains(value) else {
            log.error(node.origin, "\(what) must be in \(describe(range)); found \(value)")
            return nil
        }
        return value
    }

    private func describe<T: Comparable & CustomStringConvertible>(_ range: ClosedRange<T>) -> String {
        if range.upperBound == Int.max as? T || range.upperBound == Double.greatestFiniteMagnitude as? T {
            return "\(range.lowerBound)…"
        }
        return "\(range.lowerBound)…\(range.upperBound)"
    }
}
