import Foundation
import RunFolder
import Runner

/// What runs a study's trials: this machine (`LocalEngine`) or a Slurm cluster (`SlurmEngine`).
/// Either way a trial is the runexp binary run on the spec (`TrialCommand`), and how it ended is
/// what its own `run.json` says.
public protocol StudyEngine: Sendable {
    /// `local`, `slurm`: what study.json records.
    var name: String { get }
    /// Runs `trials`, updating `record` and calling `changed` (on this thread) whenever a trial
    /// starts or ends; returns once every trial has ended or a stop was asked for and honoured.
    func run(
        _ trials: [Trial], study: StudyFolder, record: inout StudyRecord, changed: (Trial, StudyRecord) -> Void
    ) throws
}

/// The command line of one trial.
public enum TrialCommand {
    /// The arguments after the executable that run `trial` into `folder` with `threads` BLAS
    /// threads: resumed from its checkpoint when an earlier attempt left one, afresh otherwise.
    public static func arguments(_ trial: Trial, _ request: StudyRequest, folder: URL, threads: Int) -> [String] {
        var arguments = ["run", request.specPath, "--seed", String(trial.seed)]
        for value in request.overrides + trial.setting.overrides { arguments += ["--set", value] }
        let checkpoint = folder.appendingPathComponent("checkpoint").path
        if FileManager.default.fileExists(atPath: checkpoint) {
            arguments += ["--resume", folder.path]
        } else {
            arguments += ["--out", folder.path, "--force"]
        }
        if let prune = request.prune {
            // The trial judges itself at each rung against the others' records, so that a pruned
            // trial ends on its own: on Slurm, its task frees its node.
            let rungs = folder.deletingLastPathComponent().appendingPathComponent("rungs").path
            arguments += ["--asha", prune.text, "--asha-rungs", rungs]
        }
        // Every trial's curves for TensorBoard, and the run its HParams session is read with.
        return arguments + ["--tensorboard", "--threads", String(threads)]
    }

    /// How a trial in `folder` ended and the seconds it ran, as its own `run.json` says (a missed
    /// expectation and a failed run both exit 1; on a cluster the task's queueing is not the
    /// trial's time); a nil status when it wrote none or is still marked running.
    static func ending(of folder: URL) -> (status: TrialStatus?, seconds: Double?) {
        guard let record = try? RunRecord.read(folder.path) else { return (nil, nil) }
        let status: TrialStatus?
        switch record.status {
        case "complete": status = .complete
        case "interrupted": status = .interrupted
        case let text? where text.hasPrefix("pruned"): status = .pruned
        case let text? where text.hasPrefix("failed"): status = .failed
        default: status = nil
        }
        return (status, record.seconds)
    }
}

/// Runs a study's trials on this machine, `jobs` at a time, the cores divided between them.
/// Ctrl-C stops every running trial at its next batch (each writes its checkpoint and is marked
/// interrupted) and starts no more.
public struct LocalEngine: StudyEngine {
    public var name: String { "local" }
    /// The runexp binary the trials run.
    public var executable: String
    /// Trials at once.
    public var jobs: Int
    /// BLAS threads per trial.
    public var threads: Int

    public init(executable: String, jobs: Int, threads: Int) {
        self.executable = executable
        self.jobs = max(1, jobs)
        self.threads = max(1, threads)
    }

    /// Runs `trials` of `study`, writing each trial's output to `logs/<trial>.log` in the study
    /// folder; `changed` is called (on this thread) whenever a trial starts or ends.
    public func run(
        _ trials: [Trial], study: StudyFolder, record: inout StudyRecord, changed: (Trial, StudyRecord) -> Void
    ) throws {
        var queue = trials[...]
        var running: [(process: Process, trial: Trial, started: Date)] = []
        let ended = DispatchSemaphore(value: 0)
        var stopping = false
        while !running.isEmpty || (!queue.isEmpty && !stopping) {
            while !stopping, running.count < jobs, let queued = queue.popFirst() {
                let trial = TPESearch.settle(queued, record: &record, study: study)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = TrialCommand.arguments(
                    trial, record.matrix.request, folder: study.trialFolder(trial), threads: threads)
                let log = try study.logHandle(trial)
                process.standardOutput = log
                process.standardError = log
                process.terminationHandler = { _ in ended.signal() }
                do {
                    try process.run()
                } catch {
                    throw StudyError("cannot start \(executable) for \(trial.folderName): \(error)")
                }
                record.statuses[trial.index] = .running
                running.append((process, trial, Date()))
                changed(trial, record)
            }
            // Poll for Ctrl-C while waiting: the children see it too (one process group) but a
            // SIGTERM to runexp alone must reach them as well.
            _ = ended.wait(timeout: .now() + 0.2)
            if StopSignal.isRequested, !stopping {
                stopping = true
                for entry in running { entry.process.interrupt() }
            }
            // Asked once per process: a trial that ends between two questions must not be dropped
            // from `running` unrecorded (it would stay `running` and the study look detached).
            let finished = running.indices.filter { !running[$0].process.isRunning }
            for (process, trial, started) in finished.map({ running[$0] }) {
                let code = process.terminationStatus
                record.exitCodes[trial.index] = code
                record.seconds[trial.index] = Date().timeIntervalSince(started)
                record.statuses[trial.index] = Self.status(of: study.trialFolder(trial), exitCode: code)
                changed(trial, record)
            }
            for index in finished.reversed() { running.remove(at: index) }
        }
    }

    /// How a trial ended: its `run.json`, or when it wrote none, its exit code.
    static func status(of folder: URL, exitCode: Int32) -> TrialStatus {
        if let status = TrialCommand.ending(of: folder).status { return status }
        return [129, 130, 143].contains(exitCode) ? .interrupted : .failed
    }
}
