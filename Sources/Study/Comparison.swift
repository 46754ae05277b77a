import Data
import Foundation
import Spec
import RunFolder
import Report

/// `runexp compare DIR…`: a study's summary made from any result folders, grouped by the resolved
/// spec values that differ between them (the seed aside), so runs made by hand compare as a
/// study's trials do. A study folder stands for its trials.
public struct Comparison: Sendable {
    /// The keys whose values differ between the folders, in first-seen order.
    public var keys: [String]
    public var settings: [(setting: Setting, folders: [URL])]
    public var summary: StudySummary
    /// What the comparison did that the user should know (a folder named twice counted once, a
    /// metric left out), one line each.
    public var notes: [String] = []
    /// The runs not compared, because they ran another spec or read other data than the others.
    public var apart: [(folder: URL, reason: String)] = []

    /// Compares the runs in `paths`; throws when a path is not a run folder or study folder.
    public static func make(_ paths: [String]) throws -> Comparison {
        let (found, notes) = try collect(paths)
        let (runs, apart) = family(found)
        guard runs.count > 1 else {
            let why = (notes + apart.map { "\($0.folder.path): \($0.reason)" }).joined(separator: "; ")
            throw StudyError(
                "compare needs two result folders or more; found \(runs.count)\(why.isEmpty ? "" : " (\(why))")")
        }
        // Each key is looked up, and each setting found, by hashing: 3,000 folders took 282 s when
        // every run's values were searched for every key of every run.
        let tables = runs.map { Dictionary($0.values, uniquingKeysWith: { first, _ in first }) }
        var keys: [String] = []
        var seen: Set<String> = ["seed"]
        for (_, values) in runs {
            for (key, _) in values where seen.insert(key).inserted {
                let first = tables[0][key]
                if tables.contains(where: { $0[key] != first }) { keys.append(key) }
            }
        }
        keys = distinguishing(keys, tables)
        var settings: [(setting: Setting, folders: [URL])] = []
        var index: [Setting: Int] = [:]
        for ((folder, _), table) in zip(runs, tables) {
            let setting = Setting(values: keys.map { .init(key: $0, value: table[$0] ?? "(absent)") })
            if let place = index[setting] {
                settings[place].folders.append(folder)
            } else {
                index[setting] = settings.count
                settings.append((setting, [folder]))
            }
        }
        let summary = StudySummary.make(
            settings.map { entry in
                let complete = entry.folders.filter { TrialCommand.ending(of: $0).status == .complete }
                return (entry.setting, complete, entry.folders.count - complete.count)
            })
        return Comparison(
            keys: keys, settings: settings, summary: summary, notes: notes + summary.notes, apart: apart)
    }

    /// What a run must share with the others to be compared with them: the spec's name and the data
    /// source (a comparison of MNIST with random images compares nothing).
    static func identity(_ values: [(String, String)]) -> [String: String] {
        Dictionary(values.filter { $0.0 == "name" || $0.0 == "data.source" || $0.0.hasPrefix("data.source.") }) {
            a, _ in a
        }
    }

    /// The runs that share their spec and data with the most others (the first such when tied), and
    /// the rest, each with why it is set apart.
    static func family(_ runs: [(folder: URL, values: [(String, String)])]) -> (
        kept: [(folder: URL, values: [(String, String)])], apart: [(folder: URL, reason: String)]
    ) {
        let identities = runs.map { identity($0.values) }
        var counts: [[String: String]: Int] = [:]
        for identity in identities { counts[identity, default: 0] += 1 }
        guard let chosen = identities.max(by: { counts[$0]! < counts[$1]! }) else { return (runs, []) }
        var kept: [(folder: URL, values: [(String, String)])] = []
        var apart: [(folder: URL, reason: String)] = []
        for (run, identity) in zip(runs, identities) {
            guard identity != chosen else {
                kept.append(run)
                continue
            }
            let differing = Set(identity.keys).union(chosen.keys).sorted().filter { identity[$0] != chosen[$0] }
            let what = differing.contains("name") ? "another spec" : "other data"
            let details = differing.map { key in
                let (theirs, ours) = (identity[key] ?? "(absent)", chosen[key] ?? "(absent)")
                return "\(key) \(theirs), not \(ours)"
            }
            apart.append((run.folder, "\(what) (\(details.joined(separator: "; ")))"))
        }
        return (kept, apart)
    }

    /// Of the keys that differ, the few that tell the runs apart: a key is kept only when it splits
    /// runs the keys kept before it group together (one `--set` of an optimizer changes several
    /// keys at once; one of them names the setting).
    static func distinguishing(_ keys: [String], _ tables: [[String: String]]) -> [String] {
        var kept: [String] = []
        var groups = 1
        for key in keys {
            let split = Set(tables.map { table in (kept + [key]).map { table[$0] ?? "(absent)" } }).count
            if split > groups {
                kept.append(key)
                groups = split
            }
        }
        return kept
    }

    /// The run folders of `paths` (a study folder stands for its trials), each once: a folder named
    /// again, through another path, a link or its study, is one run and one sample, so it is counted
    /// once and a note says so.
    static func collect(_ paths: [String]) throws -> (
        runs: [(folder: URL, values: [(String, String)])], notes: [String]
    ) {
        var folders: [URL] = []
        var notes: [String] = []
        for path in paths {
            let url = URL(fileURLWithPath: path).absoluteURL.standardized
            let manager = FileManager.default
            if manager.fileExists(atPath: url.appendingPathComponent("study.json").path) {
                let trials = try manager.contentsOfDirectory(atPath: url.path).filter { $0.hasPrefix("trial-") }
                    .sorted()
                for trial in trials.map({ url.appendingPathComponent($0) }) {
                    if let problem = StudyFolder.foreignTrial(trial) {
                        notes.append(problem)
                    } else {
                        folders.append(trial)
                    }
                }
            } else {
                folders.append(url)
            }
        }
        var order: [String] = []
        var named: [String: (folder: URL, times: Int)] = [:]
        for folder in folders {
            let real = realPath(folder)
            if let seen = named[real] {
                named[real] = (seen.folder, seen.times + 1)
            } else {
                order.append(real)
                named[real] = (folder, 1)
            }
        }
        notes += order.compactMap { real in
            named[real].flatMap { $0.times > 1 ? "\($0.folder.path) is named \($0.times) times; counted once" : nil }
        }
        let runs = try order.compactMap { named[$0]?.folder }.map { ($0, try RunFiles.resolvedValues($0)) }
        return (runs, notes)
    }

    /// `folder` with every link resolved, so two names of one folder compare equal; the path as
    /// given when it cannot be resolved (it is then refused as not a result folder).
    static func realPath(_ folder: URL) -> String {
        guard let resolved = realpath(folder.path, nil) else { return folder.path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Writes `summary.csv` and `summary.json` into `folder` (created when missing).
    public func writeSummary(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try AtomicFile.write(text: summary.csv(keys: keys), to: "\(folder)/summary.csv")
        try AtomicFile.write(text: summary.json.pretty, to: "\(folder)/summary.json")
    }

    /// The comparison as text: the differing keys, each setting's runs and its test metrics as
    /// mean ± std [95% interval], the best setting per test metric with Welch's test, and the runs
    /// set apart; no line wider than `width` (metric columns left out, and said so, where needed).
    public func text(width: Int) -> String {
        let head =
            keys.isEmpty
            ? "the \(settings.first?.folders.count ?? 0) runs share every spec value but the seed: one setting"
            : "grouped by: \(keys.joined(separator: ", "))"
        var lines = [TableFit.wrap(head, width: width), table(width: width)]
        if !apart.isEmpty {
            lines.append(TableFit.wrap("not compared, \(apart.count) run\(apart.count == 1 ? "" : "s"):", width: width))
            lines += apart.map { TableFit.wrap("  \($0.folder.path): \($0.reason)", width: width) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The comparison as text with no limit on its width.
    public var text: String { text(width: .max / 4) }

    private func table(width: Int) -> String {
        let metrics = summary.metricNames.filter { $0.hasPrefix("test_") }
        let shown = metrics.isEmpty ? summary.metricNames.filter { $0.hasPrefix("validation_") } : metrics
        var table = TextTable(
            ["setting", "runs"] + shown, alignments: [.left, .right] + shown.map { _ in .right })
        for group in summary.groups {
            table.add(
                [group.setting.label, "\(group.complete)" + (group.incomplete > 0 ? " (+\(group.incomplete))" : "")]
                    + shown.map { name in group.metrics[name].map(StudyReport.describe) ?? "—" })
        }
        let columns = shown.count + 2
        let (rendered, dropped) = table.fitted(
            TableFit(
                width: width, dropOrder: Array(stride(from: columns - 1, through: 3, by: -1)) + [1],
                shrinkable: [0: 16...60]))
        var lines = [rendered]
        if !dropped.isEmpty {
            lines.append(
                TableFit.wrap(
                    "not shown in \(width) columns: \(dropped.joined(separator: ", ")) (--width N or --out show all)",
                    width: width))
        }
        for best in summary.best where shown.contains(best.metric) {
            for (other, test) in best.tests {
                let verdict = test.map {
                    $0.plainWords + String(format: "; t = %.3g, df = %.1f, p = %.3g", $0.t, $0.degreesOfFreedom, $0.p)
                }
                lines.append(
                    TableFit.wrap(
                        "best \(best.metric): \(best.setting.label) against \(other.label): "
                            + (verdict ?? "no test (fewer than two runs or no spread)"), width: width))
            }
        }
        return lines.joined(separator: "\n")
    }
}
