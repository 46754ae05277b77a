import Foundation
import RunFolder
import Spec
import Study

/// One row of `runexp runs`: a run folder, or a study folder standing for its trials (whose own
/// folders are rows too).
public struct RunsRow: Sendable {
    /// What the folder is.
    public enum Kind: String, Sendable { case run, study }

    public var kind: Kind
    /// The folder as the user reaches it: the path given, then the folders below it.
    public var name: String
    public var folder: URL
    /// The spec's `name:`.
    public var spec: String = ""
    /// The seed; a study's seeds (`0-2` or `0,3`).
    public var seed: String = ""
    /// `complete`, `failed: why`, `interrupted`, `running`; a study's `3/4 complete`.
    public var status: String = ""
    /// The `--set` values that made this run differ from its spec, in the order given; a study's
    /// shared `--set` values and its grid (`key=a|b`).
    public var overrides: [(key: String, value: String)] = []
    /// The final metrics; a study's are its best setting's means.
    public var metrics: [String: Double] = [:]
    public var seconds: Double?
    /// When it started, `2026-12-07 14:03` (UTC).
    public var date: String = ""
    /// The run's or the study's report.html, when it has one.
    public var report: URL?
    /// The metric the spec's `train.early_stop` watches, when it has one.
    public var earlyStopMetric: String?

    /// `key=value key=value`.
    public var overrideText: String { overrides.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
}

/// Finds the runs and studies below folders and reads each once.
public enum RunsTable {
    /// The deepest folder searched below a given one: results/<name>/sweep-<n>/trial-<i> is three.
    static let depth = 8

    /// Every run and study at or below `paths`, in path order; throws when a path is missing.
    public static func rows(_ paths: [String]) throws -> [RunsRow] {
        var rows: [RunsRow] = []
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                throw RunError("\(path): no such folder; expected a folder of results such as results/")
            }
            walk(URL(fileURLWithPath: path).absoluteURL.standardized, name: path, depth: 0, into: &rows)
        }
        return rows
    }

    /// Adds the run or study at `url`, or looks below it. Links are not followed (a link to a
    /// folder above would loop; a study's linked trial is not its own).
    static func walk(_ url: URL, name: String, depth: Int, into rows: inout [RunsRow]) {
        let manager = FileManager.default
        if manager.fileExists(atPath: url.appendingPathComponent("study.json").path) {
            if let study = study(url, name: name) { rows.append(study) }
        } else if manager.fileExists(atPath: url.appendingPathComponent("run.json").path) {
            if let run = run(url, name: name) { rows.append(run) }
            return
        }
        guard depth < Self.depth, let entries = try? manager.contentsOfDirectory(atPath: url.path) else { return }
        for entry in entries.sorted() where !entry.hasPrefix(".") {
            let child = url.appendingPathComponent(entry)
            var info = stat()
            guard lstat(child.path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { continue }
            walk(child, name: name.hasSuffix("/") ? name + entry : name + "/" + entry, depth: depth + 1, into: &rows)
        }
    }

    /// The run in `url` as its run.json, metrics.json and command line record it; nil when its
    /// run.json is not one runexp wrote.
    static func run(_ url: URL, name: String) -> RunsRow? {
        guard let facts = try? RunFiles.facts(url), case .string(let status)? = facts["status"] else { return nil }
        var row = RunsRow(kind: .run, name: name, folder: url)
        row.status = status
        row.spec = facts["name"]?.stringValue ?? ""
        row.seed = facts["seed"]?.numberValue.map { String(Int($0)) } ?? ""
        row.seconds = facts["seconds"]?.numberValue
        row.date = facts["started"]?.stringValue.map(shortDate) ?? ""
        row.metrics = ((try? RunFiles.numericMetrics(url)) ?? [:]).filter { $0.value.isFinite }
        if let record = try? RunRecord.read(url.path) { row.overrides = overrides(record.command) }
        row.report = existing(url.appendingPathComponent("report.html"))
        row.earlyStopMetric = (try? RunFiles.resolvedValues(url))?.first { $0.path == "train.early_stop.metric" }?.value
        return row
    }

    /// The `--set key=value` (and `--determinism mode`) arguments of a command line, each key
    /// written as a key path; the seed has a column of its own.
    public static func overrides(_ command: [String]) -> [(key: String, value: String)] {
        var texts: [String] = []
        var arguments = command.dropFirst().makeIterator()
        while let argument = arguments.next() {
            if argument == "--set", let value = arguments.next() {
                texts.append(value)
            } else if argument.hasPrefix("--set=") {
                texts.append(String(argument.dropFirst(6)))
            } else if argument == "--determinism", let value = arguments.next() {
                texts.append("determinism=" + value)
            } else if argument.hasPrefix("--determinism=") {
                texts.append("determinism=" + argument.dropFirst(14))
            }
        }
        return texts.compactMap { text in
            guard case .success(let parsed) = SpecOverride.parse(text), let equals = text.firstIndex(of: "=") else {
                return nil
            }
            return (parsed.path.joined(separator: "."), String(text[text.index(after: equals)...]))
        }
    }

    /// The study in `url` as its study.json records it, its metrics those of its best setting.
    static func study(_ url: URL, name: String) -> RunsRow? {
        guard let saved = try? StudyRecord.read(url.path), var matrix = try? TrialMatrix.layout(saved.request) else {
            return nil
        }
        matrix.adopt(saved.settings)
        var row = RunsRow(kind: .study, name: name, folder: url)
        let ended = saved.statuses.filter(\.hasEnded).count
        row.status = ended == saved.statuses.count ? "complete" : "\(ended)/\(saved.statuses.count) ended"
        row.seed = saved.request.seeds.map(String.init).joined(separator: ",")
        row.overrides =
            RunsTable.overrides(["runexp"] + saved.request.overrides.flatMap { ["--set", $0] })
            + saved.request.grid.map { ($0.key, $0.values.joined(separator: "|")) }
            + saved.request.space.map { ($0.key, $0.distribution.description) }
        let trials = matrix.trials.map { (trial: $0, facts: try? RunFiles.facts(StudyFolder.trialFolder($0, in: url))) }
        row.spec = trials.lazy.compactMap { $0.facts?["name"]?.stringValue }.first ?? ""
        let seconds = trials.compactMap { $0.facts?["seconds"]?.numberValue }
        row.seconds = seconds.isEmpty ? nil : seconds.reduce(0, +)
        row.date = trials.compactMap { $0.facts?["started"]?.stringValue }.min().map(shortDate) ?? ""
        let summary = StudySummary.make(
            matrix.settings.map { setting in
                let mine = matrix.trials.filter { $0.setting == setting }
                let done = mine.filter { saved.statuses[$0.index] == .complete }
                    .filter { StudyFolder.foreignTrial(StudyFolder.trialFolder($0, in: url)) == nil }
                    .map { StudyFolder.trialFolder($0, in: url) }
                return (setting, done, mine.count - done.count)
            })
        for name in summary.metricNames {
            let best = summary.best.first { $0.metric == name }?.setting ?? summary.groups.first?.setting
            if let mean = summary.groups.first(where: { $0.setting == best })?.metrics[name]?.mean {
                row.metrics[name] = mean
            }
        }
        row.report = existing(url.appendingPathComponent("report.html"))
        return row
    }

    /// `2026-12-07T14:03:22Z` → `2026-12-07 14:03`.
    static func shortDate(_ iso: String) -> String {
        guard iso.count >= 16 else { return iso }
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5))
    }

    static func existing(_ url: URL) -> URL? { FileManager.default.fileExists(atPath: url.path) ? url : nil }
}
