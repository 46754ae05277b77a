import Foundation
import RunFolder
import Spec

/// `--where 'test_mse<0.02'`: a column, a comparison and a value. Numbers compare as numbers;
/// `status=failed` also matches `failed: why`.
public struct RunsFilter: Sendable {
    /// How the column's value is compared with the filter's.
    public enum Comparison: String, CaseIterable, Sendable {
        case lessOrEqual = "<=", greaterOrEqual = ">=", notEqual = "!=", equal = "=", less = "<", greater = ">"
    }

    public var column: String
    public var comparison: Comparison
    public var value: String
    /// The argument as given, for messages.
    public var argument: String

    /// Parses `text`; the error names the argument, the character at fault and what was expected.
    public static func parse(_ text: String, columns: [String]) throws -> RunsFilter {
        let place = "--where '\(text)'"
        let usage = "expected COLUMN OP VALUE with OP one of = != < <= > >=, e.g. test_mse<0.02 or status=complete"
        guard let start = text.firstIndex(where: { "<>=!".contains($0) }) else {
            throw RunError("\(place): no comparison; \(usage)")
        }
        let rest = text[start...]
        guard let comparison = Comparison.allCases.first(where: { rest.hasPrefix($0.rawValue) }) else {
            throw RunError(
                "\(place): character \(text.distance(from: text.startIndex, to: start) + 1): '\(rest.prefix(2))' is no comparison; \(usage)"
            )
        }
        let column = text[..<start].trimmingCharacters(in: .whitespaces)
        let value = rest.dropFirst(comparison.rawValue.count).trimmingCharacters(in: .whitespaces)
        guard !column.isEmpty else { throw RunError("\(place): no column before '\(comparison.rawValue)'; \(usage)") }
        guard !value.isEmpty else { throw RunError("\(place): no value after '\(comparison.rawValue)'; \(usage)") }
        if let stray = value.firstIndex(where: { "<>=!".contains($0) }), Double(value) == nil,
            comparison != .equal && comparison != .notEqual
        {
            let at =
                text.distance(from: text.startIndex, to: start) + comparison.rawValue.count
                + value.distance(from: value.startIndex, to: stray) + 1
            throw RunError("\(place): character \(at): a second comparison '\(value[stray])'; \(usage)")
        }
        guard columns.contains(column) else {
            throw RunError("\(place): no column '\(column)'\(NearestName.hint(column, in: columns))")
        }
        if [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(comparison), Double(value) == nil {
            throw RunError("\(place): '\(comparison.rawValue)' compares numbers, and '\(value)' is not one")
        }
        return RunsFilter(column: column, comparison: comparison, value: value, argument: text)
    }

    /// Whether `cell` (nil: the row has no such value) passes.
    public func admits(_ cell: RunsQuery.Cell?) -> Bool {
        guard let cell else { return comparison == .notEqual }
        if let number = Double(value), case .number(let x) = cell { return compare(x, number) }
        let text = cell.text
        switch comparison {
        case .equal: return text == value || text.hasPrefix(value + ":")
        case .notEqual: return !(text == value || text.hasPrefix(value + ":"))
        default: return Double(text).map { compare($0, Double(value)!) } ?? false
        }
    }

    private func compare(_ x: Double, _ y: Double) -> Bool {
        switch comparison {
        case .lessOrEqual: x <= y
        case .greaterOrEqual: x >= y
        case .notEqual: x != y
        case .equal: x == y
        case .less: x < y
        case .greater: x > y
        }
    }
}
