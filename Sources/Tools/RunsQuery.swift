import Foundation
import Report
import RunFolder
import Spec
import Study

/// What `runexp runs` shows of the rows it found: which metrics, which rows (`--where`) and in
/// which order (`--sort`), checked against the columns there are.
public struct RunsQuery: Sendable {
    /// A row's value in a column.
    public enum Cell: Sendable {
        case text(String)
        case number(Double)

        /// As the table and the CSV show it.
        public var text: String {
            switch self {
            case .text(let text): text
            case .number(let value): String(format: "%.5g", value)
            }
        }
    }

    /// `--metrics`; nil: the spec's early-stop metric, or test_mse / test_loss.
    public var metrics: [String]?
    /// `--sort`.
    public var sort: String?
    /// `--where`, as given.
    public var filters: [String] = []

    public init(metrics: [String]? = nil, sort: String? = nil, filters: [String] = []) {
        (self.metrics, self.sort, self.filters) = (metrics, sort, filters)
    }

    /// The columns every row has, before its metrics.
    public static let fixedColumns = ["name", "kind", "spec", "seed", "status", "overrides", "seconds", "date"]

    /// The value of `row` in `column` (a fixed column, a metric or an overridden key); nil: none.
    public static func cell(_ row: RunsRow, _ column: String) -> Cell? {
        switch column {
        case "name": return .text(row.name)
        case "kind": return .text(row.kind.rawValue)
        case "spec": return .text(row.spec)
        case "seed": return Double(row.seed).map(Cell.number) ?? .text(row.seed)
        case "status": return .text(row.status)
        case "overrides": return .text(row.overrideText)
        case "seconds": return row.seconds.map(Cell.number)
        case "date": return row.date.isEmpty ? nil : .text(row.date)
        default:
            if let value = row.metrics[column] { return .number(value) }
            return row.overrides.last { $0.key == column }.map { Double($0.value).map(Cell.number) ?? .text($0.value) }
        }
    }

    /// The rows that pass every filter, sorted, with the metrics to show; throws a usage error
    /// naming the option for an unknown column or a malformed filter.
    public func apply(_ rows: [RunsRow]) throws -> RunsResult {
        let metricNames = Set(rows.flatMap(\.metrics.keys)).union(Metric.names(Metric.all)).sorted()
        let columns =
            Self.fixedColumns + metricNames
            + Set(rows.flatMap { $0.overrides.map(\.key) }).subtracting(metricNames)
            .sorted()
        let parsed = try filters.map { try RunsFilter.parse($0, columns: columns) }
        var shown =
            try metrics.map { names in
                try names.map { name in
                    guard metricNames.contains(name) else {
                        throw RunError("--metrics: no metric '\(name)'\(NearestName.hint(name, in: metricNames))")
                    }
                    return name
                }
            } ?? Self.defaultMetrics(rows)
        var kept = rows.filter { row in parsed.allSatisfy { $0.admits(Self.cell(row, $0.column)) } }
        if let sort {
            guard columns.contains(sort) else {
                throw RunError("--sort: no column '\(sort)'\(NearestName.hint(sort, in: columns))")
            }
            if metricNames.contains(sort), !shown.contains(sort) { shown.insert(sort, at: 0) }
            kept = Self.sorted(kept, by: sort)
        }
        return RunsResult(rows: kept, metrics: shown, found: rows.count)
    }

    /// The spec's early-stop metrics, then test_mse and test_loss, those some row has; else the
    /// validation ones.
    static func defaultMetrics(_ rows: [RunsRow]) -> [String] {
        let had = Set(rows.flatMap(\.metrics.keys))
        var names: [String] = []
        let measures: [Metric.Measure] = [.mse, .loss]
        for name in rows.compactMap(\.earlyStopMetric) + measures.map({ Metric.of($0, on: .test).name })
        where had.contains(name) && !names.contains(name) {
            names.append(name)
        }
        return names.isEmpty ? measures.map { Metric.of($0, on: .validation).name }.filter(had.contains) : names
    }

    /// `rows` by `column`: a metric the way the registry calls better first (lowest first for a
    /// loss), anything else ascending; rows without the value last, in the order found.
    static func sorted(_ rows: [RunsRow], by column: String) -> [RunsRow] {
        let descending = Metric.direction(ofKey: column) == .higher
        return rows.enumerated().sorted { a, b in
            switch (cell(a.element, column), cell(b.element, column)) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return false
            case (_, nil): return true
            case (.number(let x)?, .number(let y)?) where x != y: return descending ? x > y : x < y
            case (let x?, let y?) where x.text != y.text:
                if case .number = x, case .number = y { return a.offset < b.offset }
                return x.text < y.text
            default: return a.offset < b.offset
            }
        }.map(\.element)
    }
}

/// The rows `runexp runs` shows, as a table that fits the terminal, JSON or CSV.
public struct RunsResult: Sendable {
    public var rows: [RunsRow]
    /// The metric columns, in order.
    public var metrics: [String]
    /// How many rows were found before `--where`.
    public var found: Int

    /// The columns of the table, JSON and CSV.
    var headers: [String] { ["name", "seed", "status", "overrides"] + metrics + ["seconds", "date"] }

    func cells(_ row: RunsRow) -> [String] {
        [row.name + (row.kind == .study ? " (study)" : ""), row.seed, row.status, row.overrideText]
            + metrics.map { row.metrics[$0].map { RunsQuery.Cell.number($0).text } ?? "—" }
            + [row.seconds.map { String(format: "%.1f", $0) } ?? "", row.date]
    }

    /// The table in at most `width` characters a line: columns left out (the date first) and long
    /// names and overrides cut with `…`, and a footer saying what was left out.
    public func text(width: Int) -> String {
        var table = TextTable(headers, alignments: headers.map { ["seed", "seconds"].contains($0) ? .right : .left })
        for index in metrics.indices { table.alignments[4 + index] = .right }
        for row in rows { table.add(cells(row)) }
        let count = headers.count
        let drops = [count - 1, count - 2, 1, 3, 2] + stride(from: count - 3, through: 5, by: -1)
        let (text, dropped) = table.fitted(
            TableFit(width: width, dropOrder: drops, shrinkable: [0: 16...48, 3: 12...40]))
        let runs = rows.filter { $0.kind == .run }.count
        var footer =
            "\(runs) run\(runs == 1 ? "" : "s"), \(rows.count - runs) stud\(rows.count - runs == 1 ? "y" : "ies")"
        if found > rows.count { footer += " (\(found - rows.count) more left out by --where)" }
        if !dropped.isEmpty {
            footer +=
                "; not shown in \(width) columns: \(dropped.joined(separator: ", ")) (--width N, --json or --csv show all)"
        }
        return text + "\n" + TableFit.wrap(footer, width: width) + "\n"
    }

    /// An array of objects, one per row, every override and metric the row has.
    public var json: JSON {
        .array(
            rows.map { row in
                var members: [String: JSON] = [
                    "name": .string(row.name), "kind": .string(row.kind.rawValue), "folder": .string(row.folder.path),
                    "spec": .string(row.spec), "seed": Int(row.seed).map(JSON.integer) ?? .string(row.seed),
                    "status": .string(row.status),
                    "overrides": .object(Dictionary(row.overrides.map { ($0.key, JSON.string($0.value)) }) { $1 }),
                    "metrics": .object(row.metrics.mapValues(JSON.number)), "date": .string(row.date),
                ]
                if let seconds = row.seconds { members["seconds"] = .number(seconds) }
                if let report = row.report { members["report"] = .string(report.path) }
                return .object(members)
            })
    }

    /// One line per row, the table's columns.
    public var csv: String {
        ([headers]
            + rows.map { row in
                [row.name, row.seed, row.status, row.overrideText]
                    + metrics.map { row.metrics[$0].map(JSON.format) ?? "" }
                    + [row.seconds.map(JSON.format) ?? "", row.date]
            }).map { $0.map(StudySummary.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
