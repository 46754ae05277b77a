import Foundation
import RunFolder

/// `runexp sweep`: checks every trial, claims the study folder, runs the trials on an engine and
/// writes the summary and report. `--resume` runs again only the trials that are not complete.
public enum Sweep {
    /// How the study went, for the exit code.
    public enum Outcome: Sendable, Equatable {
        case complete
        /// Some trials failed; the summary holds the others.
        case someFailed(Int)
        case interrupted
        /// Submitted to Slurm and not followed (`--detach`): `--resume` follows and summarizes.
        case detached
    }

    /// Runs a new study of `request` with `engine` into `out` (default `results/<name>/sweep-<n>`);
    /// `progress` receives one line per event.
    public static func run(
        _ request: StudyRequest, engine: any StudyEngine, out: String?, progress: (String) -> Void
    ) throws -> (folder: String, outcome: Outcome) {
        if request.tpe != nil, engine.name != "local" {
            throw StudyError(
                "a TPE search proposes each trial from the trials that ended, so it runs on this machine; use --engine local or a random search"
            )
        }
        var matrix = try TrialMatrix.make(request)
        // The trials, and a later `--resume`, find the spec from anywhere.
        matrix.request.specPath = URL(fileURLWithPath: request.specPath).absoluteURL.standardized.path
        let folder = try StudyFolder.create(name: matrix.name, out: out)
        var record = StudyRecord(matrix: matrix, engine: engine.name)
        try folder.write("study.yaml", matrix.yaml)
        try folder.write("study.json", record.json.pretty)
        progress(
            "study: \(matrix.trials.count) trials (\(matrix.shape)) in \(folder.url.path)"
        )
        let outcome = try execute(matrix.trials, engine: engine, folder: folder, record: &record, progress: progress)
        return (folder.url.path, outcome)
    }

    /// Runs the trials of the study in `path` that are not complete.
    public static func resume(
        _ path: String, engine: any StudyEngine, progress: (String) -> Void
    ) throws -> (folder: String, outcome: Outcome) {
        let folder = try StudyFolder.existing(path)
        let saved = try StudyRecord.read(folder.url.path)
        if saved.request.tpe != nil, engine.name != "local" {
            throw StudyError(
                "a TPE search proposes each trial from the trials that ended, so it resumes on this machine")
        }
        var matrix = try TrialMatrix.make(saved.request)
        matrix.adopt(saved.settings)
        var record = StudyRecord(matrix: matrix, engine: engine.name)
        record.statuses = saved.statuses
        // A trial a Slurm job still runs is followed there; one the local engine left running
        // stopped with the command that ran it.
        if engine.name == saved.engine { record.jobIDs = saved.jobIDs }
        if engine.name == "local" { record.statuses = record.statuses.map { $0 == .running ? .interrupted : $0 } }
        let left = record.matrix.trials.filter { !record.statuses[$0.index].hasEnded }
        progress("study: \(left.count) of \(matrix.trials.count) trials left in \(folder.url.path)")
        let outcome = try execute(left, engine: engine, folder: folder, record: &record, progress: progress)
        return (folder.url.path, outcome)
    }

    static func execute(
        _ trials: [Trial], engine: any StudyEngine, folder: StudyFolder, record: inout StudyRecord,
        progress: (String) -> Void
    ) throws -> Outcome {
        let total = record.matrix.trials.count
        try engine.run(trials, study: folder, record: &record) { trial, record in
            try? folder.write("study.json", record.json.pretty)
            let status = record.statuses[trial.index]
            do {
                try StudyHParams.writeTrial(trial, record, folder: folder)
            } catch {
                progress("note: \(trial.folderName)'s TensorBoard hparams were not written: \(error)")
            }
            var line = "\(trial.folderName) (\(trial.index + 1)/\(total), seed \(trial.seed)"
            line += trial.setting.values.isEmpty ? ")" : ", \(trial.setting.label))"
            line += ": \(status.rawValue)"
            if let seconds = record.seconds[trial.index], status != .running {
                line += String(format: " in %.1f s", seconds)
            }
            if status == .failed { line += "; see logs/\(trial.folderName).log" }
            progress(line)
        }
        try folder.write("study.json", record.json.pretty)
        if record.statuses.contains(.running) { return .detached }
        let summary = StudySummary.make(record, folder: folder)
        for note in summary.notes { progress("note: \(note)") }
        if let pruning = pruningLine(record, folder: folder) { progress(pruning) }
        try folder.write("summary.csv", summary.csv(keys: record.matrix.request.keys))
        try folder.write("summary.json", summary.json.pretty)
        try folder.write("report.html", StudyReport.html(record, summary, folder: folder))
        try StudyHParams.writeExperiment(record, summary, folder: folder)
        for best in summary.best where best.metric.hasPrefix("test_") {
            let group = summary.groups.first { $0.setting == best.setting }!
            progress(
                "best \(best.metric): \(best.setting.label) \(StudyReport.describe(group.metrics[best.metric]!)); "
                    + "against the next, \(best.next?.label ?? "none"): \(best.verdict)")
        }
        if record.statuses.contains(.interrupted) || record.statuses.contains(.pending) { return .interrupted }
        let failed = record.statuses.filter { $0 == .failed }.count
        return failed > 0 ? .someFailed(failed) : .complete
    }

    /// What pruning saved: `pruned 8 of 12 trials; 21 of 48 epochs trained (44%)`.
    static func pruningLine(_ record: StudyRecord, folder: StudyFolder) -> String? {
        guard record.matrix.request.prune != nil else { return nil }
        let trials = record.matrix.trials
        let pruned = trials.filter { record.statuses[$0.index] == .pruned }.count
        let trained = trials.reduce(0) { total, trial in
            total + ((try? RunRecord.read(folder.trialFolder(trial).path))?.epochsDone ?? 0)
        }
        let planned = trials.reduce(0) { total, trial in
            total + (record.matrix.epochs[trial.setting] ?? 0)
        }
        let share = planned > 0 ? String(format: " (%.0f%%)", 100 * Double(trained) / Double(planned)) : ""
        return "pruned \(pruned) of \(trials.count) trials; \(trained) of \(planned) epochs trained\(share)"
    }
}
