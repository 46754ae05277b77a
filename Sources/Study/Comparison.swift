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

    /// Compares the runs in `paths`; throws when a path is not a run folder or study folder.
    public static func make(_ paths: [String]) throws -> Comparison {
        let (runs, notes) = try collect(paths)
        guard runs.count > 1 else {
            let why = notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"
            throw StudyError("compare needs two result folders or more; found \(runs.count)\(why)")
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
        return Comparison(keys: keys, settings: settings, summary: summary, notes: notes + summary.notes)
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
    /// mean ± std [95% interval], and the best setting per test metric with Welch's test.
    public var text: String {
        guard !keys.isEmpty else {
            return "the \(settings.first?.folders.count ?? 0) runs share every spec value but the seed: one setting\n"
                + table()
        }
        return "grouped by: \(keys.joined(separator: ", "))\n" + table()
    }

    private func table() -> String {
        let metrics = summary.metricNames.filter { $0.hasPrefix("test_") }
        let shown = metrics.isEmpty ? summary.metricNames.filter { $0.hasPrefix("validation_") } : metrics
        var table = TextTable(
            ["setting", "runs"] + shown, alignments: [.left, .right] + shown.map { _ in .right })
        for group in summary.groups {
            table.add(
                [group.setting.label, "\(group.complete)" + (group.incomplete > 0 ? " (+\(group.incomplete))" : "")]
                    + shown.map { name in group.metrics[name].map(StudyReport.describe) ?? "—" })
        }
        var lines = [table.render()]
        for best in summary.best where shown.contains(best.metric) {
            for (other, test) in best.tests {
                let verdict = test.map {
                    $0.plainWords + String(format: "; t = %.3g, df = %.1f, p = %.3g", $0.t, $0.degreesOfFreedom, $0.p)
                }
                lines.append(
                    "best \(best.metric): \(best.setting.label) against \(other.label): \(verdict ?? "no test (fewer than two runs or no spread)")"
                )
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
