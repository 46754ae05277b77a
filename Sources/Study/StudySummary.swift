import Foundation
import Spec
import RunFolder

/// The final metrics of a study's complete trials, per setting: n, mean, std, min, max and the 95%
/// confidence interval of every metric, the best setting per metric, and Welch's t-test of the best
/// against each other setting. What `summary.csv`, `summary.json` and the report show.
public struct StudySummary: Sendable {
    /// One setting's trials.
    public struct Group: Sendable {
        public var setting: Setting
        /// Complete trials, and those that failed or did not finish.
        public var complete: Int
        public var incomplete: Int
        /// Every numeric final metric the complete trials share, by name.
        public var metrics: [String: SampleSummary]
        /// The values behind each summary, in trial order (for the t-tests).
        public var values: [String: [Double]]
    }

    /// The best setting for a metric and how sure that is.
    public struct Best: Sendable {
        public var metric: String
        public var higherIsBetter: Bool
        public var setting: Setting
        /// Welch's test of the best setting against each other setting (nil: not computable).
        public var tests: [(against: Setting, test: WelchTest?)]
        /// The setting whose mean comes next after the best's.
        public var next: Setting? = nil

        /// Whether Welch's test separates the best setting from the next, in plain words:
        /// `not significant (p = 0.11)`, `significant (p = 0.003)`, or why there is no test.
        public var verdict: String {
            guard let test = tests.first(where: { $0.against == next })?.test else {
                return "no test (fewer than two runs or no spread)"
            }
            return test.plainWords
        }
    }

    public var groups: [Group]
    public var best: [Best]
    /// Every metric summarized, sorted.
    public var metricNames: [String]
    /// What the statistics left out and why (a metric that is not a finite number), one line each.
    public var notes: [String] = []

    /// Counts that are not results (the epochs run, the steps, the chosen kernel width).
    static let bookkeeping: Set<String> = Set(
        RunCount.allCases.map(\.key) + Metric.names(Metric.all.filter(\.isBookkeeping)))

    /// Whether a larger value of `metric` is better (`Metric.direction(ofKey:)`); nil when neither
    /// end is (the adversary's accuracy is best at 0.5, so the study names no best setting for it).
    public static func higherIsBetter(_ metric: String) -> Bool? {
        switch Metric.direction(ofKey: metric) {
        case .higher: return true
        case .lower: return false
        case .neither, nil: return nil
        }
    }

    /// Summarizes the trials of `record` whose result folders hold a `metrics.json`.
    /// A trial folder that is a link to a run elsewhere is left out, with a note.
    public static func make(_ record: StudyRecord, folder: StudyFolder) -> StudySummary {
        var notes: [String] = []
        var summary = make(
            record.matrix.settings.map { setting in
                let trials = record.matrix.trials.filter { $0.setting == setting }
                let complete = trials.filter { record.statuses[$0.index] == .complete }.map(folder.trialFolder)
                    .filter { url in
                        guard let problem = StudyFolder.foreignTrial(url) else { return true }
                        notes.append(problem)
                        return false
                    }
                return (setting, complete, trials.count - complete.count)
            })
        summary.notes = notes + summary.notes
        return summary
    }

    /// Summarizes groups of result folders: each setting's complete runs (a folder without a
    /// readable `metrics.json` counts as not complete), and how many more were not complete.
    public static func make(_ settings: [(setting: Setting, folders: [URL], incomplete: Int)]) -> StudySummary {
        var groups: [Group] = []
        var notes: [String] = []
        for (setting, folders, incomplete) in settings {
            var values: [String: [Double]] = [:]
            var recorded: [String: Int] = [:]
            var complete = 0
            for folder in folders {
                guard let metrics = readMetrics(folder) else { continue }
                complete += 1
                for (name, value) in metrics.sorted(by: { $0.key < $1.key }) where !bookkeeping.contains(name) {
                    recorded[name, default: 0] += 1
                    // 1e400 reads as infinity: no mean or spread can include it.
                    guard value.isFinite else {
                        let file = folder.appendingPathComponent("metrics.json").path
                        notes.append("\(file): \(name) is not a finite number; left out of its statistics")
                        continue
                    }
                    values[name, default: []].append(value)
                }
            }
            // A metric only some runs recorded would compare unlike things: keep those all have.
            values = values.filter { recorded[$0.key] == complete }
            groups.append(
                Group(
                    setting: setting, complete: complete, incomplete: incomplete + folders.count - complete,
                    metrics: values.mapValues(SampleSummary.init), values: values))
        }
        let names = Set(groups.flatMap { $0.metrics.keys }).sorted()
        var best: [Best] = []
        for name in names {
            guard let higher = higherIsBetter(name) else { continue }
            let candidates = groups.filter { $0.metrics[name] != nil }
            guard candidates.count > 1 else { continue }
            let ranked = candidates.sorted { a, b in
                let (x, y) = (a.metrics[name]!.mean, b.metrics[name]!.mean)
                return higher ? x > y : x < y
            }
            let winner = ranked[0]
            let tests = candidates.filter { $0.setting != winner.setting }.map { other in
                (against: other.setting, test: WelchTest(winner.values[name]!, other.values[name]!))
            }
            best.append(
                Best(
                    metric: name, higherIsBetter: higher, setting: winner.setting, tests: tests, next: ranked[1].setting
                ))
        }
        return StudySummary(groups: groups, best: best, metricNames: names, notes: notes)
    }

    /// The numeric values of a trial's `metrics.json`.
    static func readMetrics(_ folder: URL) -> [String: Double]? {
        try? RunFiles.numericMetrics(folder)
    }

    /// One row per setting and metric: the grid's keys, then the statistics.
    public func csv(keys: [String]) -> String {
        var lines = [
            (keys.map(Self.csvField) + ["metric", "n", "mean", "std", "min", "max", "ci95_low", "ci95_high"])
                .joined(separator: ",")
        ]
        for group in groups {
            let settingValues = keys.map { key in group.setting.values.first { $0.key == key }?.value ?? "" }
            for name in metricNames {
                guard let s = group.metrics[name] else { continue }
                let numbers = [s.mean, s.std, s.min, s.max].map(JSON.format)
                let interval = s.interval.map { [JSON.format($0.lowerBound), JSON.format($0.upperBound)] } ?? ["", ""]
                lines.append(
                    (settingValues.map(Self.csvField) + [name, String(s.count)] + numbers + interval).joined(
                        separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A CSV field: quoted where it holds a comma, quote or line break, and where a spreadsheet
    /// would read it as a formula (`=HYPERLINK(…)`, `+`, `-`, `@`, a tab or carriage return first),
    /// led by an apostrophe so it stays text. A number (`-0.5`) is left as it is.
    public static func csvField(_ text: String) -> String {
        let formula = text.first.map { "=+-@\t\r".contains($0) } == true && Double(text) == nil
        let safe = formula ? "'" + text : text
        return safe.contains(where: { ",\"\n\r".contains($0) }) || formula
            ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
    }

    public var json: JSON {
        func setting(_ s: Setting) -> JSON {
            .object(Dictionary(uniqueKeysWithValues: s.values.map { ($0.key, JSON.string($0.value)) }))
        }
        let groupValues = groups.map { group -> JSON in
            .object([
                "setting": setting(group.setting), "label": .string(group.setting.label),
                "complete": .integer(group.complete), "incomplete": .integer(group.incomplete),
                "metrics": .object(
                    group.metrics.mapValues { s in
                        var members: [String: JSON] = [
                            "n": .integer(s.count), "mean": .number(s.mean), "std": .number(s.std),
                            "min": .number(s.min),
                            "max": .number(s.max),
                        ]
                        if let interval = s.interval {
                            members["ci95"] = .array([.number(interval.lowerBound), .number(interval.upperBound)])
                        }
                        return .object(members)
                    }),
            ])
        }
        let bestValues = best.map { entry -> JSON in
            .object([
                "metric": .string(entry.metric), "better": .string(entry.higherIsBetter ? "higher" : "lower"),
                "setting": .string(entry.setting.label), "next": entry.next.map { .string($0.label) } ?? .null,
                "verdict": .string(entry.verdict),
                "welch": .array(
                    entry.tests.map { item in
                        var members: [String: JSON] = ["against": .string(item.against.label)]
                        if let test = item.test {
                            members["t"] = .number(test.t)
                            members["df"] = .number(test.degreesOfFreedom)
                            members["p"] = .number(test.p)
                        }
                        return .object(members)
                    }),
            ])
        }
        return .object(["settings": .array(groupValues), "best": .array(bestValues)])
    }
}
