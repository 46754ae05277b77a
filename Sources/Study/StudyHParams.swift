import Data
import Foundation
import RunFolder
import Runner
import Spec

/// A study in TensorBoard's HParams tab: the study folder's `tensorboard/` holds the experiment
/// (each key the study varies, with its domain, and the trials' final metrics), and each trial's
/// `tensorboard/` holds, beside the events its run wrote (every trial runs with `--tensorboard`),
/// the session that gives the trial's values and how it ended. TensorBoard reads a metric of a
/// session from the scalars of the session's own run, so the metrics are named by the tags the
/// run writes: `final/<metric>`, and with pruning `epoch/<metric>` (its last value is where a
/// pruned trial stopped).
///
/// A trial's file is written once the trial has ended, not when it starts: a trial that starts
/// afresh replaces its folder whole (`--force`), which would take a file written earlier with it.
enum StudyHParams {
    /// The file of the hparams summaries, in the study folder and in each trial's folder. It sorts
    /// after the run's own `events.out.tfevents.runexp`, so a TensorBoard already watching a trial
    /// reads it next (TensorBoard's Python reader moves on to later file names only).
    static let file = "tensorboard/events.out.tfevents.runexp-hparams"

    /// The keys the study varies, each with the values it can take: a grid's or a `choice`'s values
    /// (numbers when every one is a number), or the interval of `uniform`, `loguniform` and `int`.
    static func keys(_ request: StudyRequest) -> [TensorBoardHParams.Key] {
        let listed = { (name: String, values: [String]) in
            let numeric = values.allSatisfy { number($0) != nil }
            return TensorBoardHParams.Key(
                name: name, domain: .discrete(values.map { numeric ? .number(number($0)!) : .text($0) }))
        }
        guard request.searchTrials != nil else { return request.grid.map { listed($0.key, $0.values) } }
        return request.space.map { entry in
            switch entry.distribution {
            case .uniform(let low, let high), .logUniform(let low, let high):
                return TensorBoardHParams.Key(name: entry.key, domain: .interval(low, high))
            case .integer(let low, let high):
                return TensorBoardHParams.Key(name: entry.key, domain: .interval(Double(low), Double(high)))
            case .choice(let values):
                return listed(entry.key, values)
            }
        }
    }

    /// A setting's values of `keys`, each of its key's kind.
    static func values(_ setting: Setting, keys: [TensorBoardHParams.Key]) -> [(
        key: String, value: TensorBoardHParams.Value
    )] {
        keys.compactMap { key in
            guard let text = setting.values.first(where: { $0.key == key.name })?.value else { return nil }
            let numeric: Bool
            switch key.domain {
            case .interval: numeric = true
            case .discrete(let values): numeric = values.allSatisfy { if case .number = $0 { true } else { false } }
            }
            if numeric, let value = number(text) { return (key.name, .number(value)) }
            return (key.name, .text(text))
        }
    }

    /// `text` as a finite number, when it is one as a spec reads it.
    static func number(_ text: String) -> Double? {
        guard let value = Double(text), value.isFinite, !text.lowercased().hasPrefix("0x") else { return nil }
        return value
    }

    /// The scalar tags of the metrics the experiment lists: every final metric the summary holds
    /// (a trial's `metrics.json`), where the trial's run wrote it: `final/<metric>` when its final
    /// record measured it, else the last epoch's `epoch/<metric>` (`epoch/<phase>` for a phase's
    /// `loss.<phase>`); and with pruning, the metric it watches, per epoch.
    static func metricTags(_ record: StudyRecord, _ summary: StudySummary, folder: StudyFolder) -> [String] {
        let finals = Set(
            record.matrix.settings.compactMap { setting in
                record.matrix.trials.first { $0.setting == setting && record.statuses[$0.index] == .complete }
            }.flatMap { finalMetrics(folder.trialFolder($0)) })
        let lossKey = Metric.phaseLossKey("")
        var tags = summary.metricNames.map { name in
            if finals.contains(name) { return "\(TensorBoardTags.final)/\(name)" }
            let epochName = name.hasPrefix(lossKey) ? String(name.dropFirst(lossKey.count)) : name
            return "\(TensorBoardTags.epoch)/\(epochName)"
        }
        if let prune = record.matrix.request.prune, !tags.contains("\(TensorBoardTags.epoch)/\(prune.metric)") {
            tags.append("\(TensorBoardTags.epoch)/\(prune.metric)")
        }
        return tags
    }

    /// The metrics the final record of the run in `folder` measured.
    static func finalMetrics(_ folder: URL) -> [String] {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        else { return [] }
        let final = text.split(separator: "\n").reversed().lazy.compactMap { MetricsRecord(line: String($0)) }
            .first { $0.kind == .final }
        return final?.values.keys.map(\.name) ?? []
    }

    /// The session of a trial: TensorBoard's status for how it ended; nil while it has not (an
    /// interrupted trial resumes). TensorBoard has no status for a trial stopped on purpose, so a
    /// pruned trial's is `unknown`, and the Status filter's `Success` shows the complete ones alone.
    static func endStatus(_ status: TrialStatus) -> TensorBoardHParams.Status? {
        switch status {
        case .complete: return .success
        case .failed: return .failure
        case .pruned: return .unknown
        case .pending, .running, .interrupted: return nil
        }
    }

    /// Writes the session of `trial` into its folder once it has stopped; a trial folder holding no
    /// run.json (the trial never started) or that is not the study's own is left alone.
    static func writeTrial(_ trial: Trial, _ record: StudyRecord, folder: StudyFolder) throws {
        let status = record.statuses[trial.index]
        guard status != .pending, status != .running else { return }
        let url = folder.trialFolder(trial)
        guard StudyFolder.foreignTrial(url) == nil, (try? RunRecord.read(url.path)) != nil else { return }
        let now = Date().timeIntervalSince1970
        let started = now - (record.seconds[trial.index] ?? 0)
        var bytes = TensorBoardEvents.fileVersion(wallTime: started)
        bytes += TensorBoardHParams.sessionStart(
            values: values(trial.setting, keys: keys(record.matrix.request)),
            group: group(trial.setting, folder: folder), startTime: started)
        if let end = endStatus(status) { bytes += TensorBoardHParams.sessionEnd(status: end, endTime: now) }
        try folder.writeData("\(trial.folderName)/\(file)", bytes)
    }

    /// A setting's trials (its seeds) form one group, which TensorBoard shows as one row with the
    /// mean of their metrics; the study folder in the name keeps two studies' groups apart.
    static func group(_ setting: Setting, folder: StudyFolder) -> String {
        "\(folder.url.path): \(setting.label)"
    }

    /// Writes the experiment into the study folder, with the metrics `summary` found.
    static func writeExperiment(_ record: StudyRecord, _ summary: StudySummary, folder: StudyFolder) throws {
        let now = Date().timeIntervalSince1970
        let bytes =
            TensorBoardEvents.fileVersion(wallTime: now)
            + TensorBoardHParams.experiment(
                keys: keys(record.matrix.request), metricTags: metricTags(record, summary, folder: folder),
                wallTime: now)
        try folder.writeData(file, bytes)
    }
}
