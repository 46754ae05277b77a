import Foundation
import Runner

/// Runs a study's trials on this machine: each trial is the runexp binary itself run on the spec
/// (`runexp run SPEC --seed S --set K=V … --out TRIAL --threads T`), `jobs` at a time, the cores
/// divided between them. Ctrl-C stops every running trial at its next batch (each writes its
/// checkpoint and is marked interrupted) and starts no more.
public struct LocalEngine: Sendable {
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

    /// The arguments that run `trial` into `folder`: resumed from its checkpoint when an earlier
    /// attempt left one, started afresh otherwise.
    public func arguments(_ trial: Trial, _ request: StudyRequest, folder: URL) -> [String] {
        var arguments = ["run", request.specPath, "--seed", String(trial.seed)]
        for value in request.overrides + trial.setting.overrides { arguments += ["--set", value] }
        let checkpoint = folder.appendingPathComponent("checkpoint").path
        if FileManager.default.fileExists(atPath: checkpoint) {
            arguments += ["--resume", folder.path]
        } else {
            arguments += ["--out", folder.path, "--force"]
        }
        return arguments + ["--threads", String(threads)]
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
        while !queue.isEmpty || !running.isEmpty {
            while !stopping, running.count < jobs, let trial = queue.popFirst() {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments(trial, record.matrix.request, folder: study.trialFolder(trial))
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
            for (process, trial, started) in running where !process.isRunning {
                let code = process.terminationStatus
                record.exitCodes[trial.index] = code
                record.seconds[trial.index] = Date().timeIntervalSince(started)
                record.statuses[trial.index] = Self.status(of: study.trialFolder(trial), exitCode: code)
                changed(trial, record)
            }
            running.removeAll { !$0.process.isRunning }
        }
    }

    /// How a trial ended, as its own `run.json` says (a missed expectation and a failed run both
    /// exit 1); from the exit code when the run wrote none (a refused spec, a killed process).
    static func status(of folder: URL, exitCode: Int32) -> TrialStatus {
        if let text = try? String(contentsOf: folder.appendingPathComponent("run.json"), encoding: .utf8),
            case .object(let members)? = JSONReader.parse(text), case .string(let status)? = members["status"]
        {
            if status == "complete" { return .complete }
            if status == "interrupted" { return .interrupted }
            if status.hasPrefix("failed") { return .failed }
        }
        switch exitCode {
        case 130, 143, 129: return .interrupted
        default: return .failed
        }
    }
}
