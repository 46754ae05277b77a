import Foundation
import Runner

/// Runs a study's trials as one Slurm job array: writes `study.sbatch` (one array task per trial,
/// each the runexp binary on its setting and seed), submits it with `sbatch`, and follows the tasks
/// with `squeue` until every one has ended. A task that Slurm stops (a time limit, preemption:
/// SIGTERM) checkpoints and ends interrupted; those are submitted again, resuming, up to
/// `resubmissions` times. Ctrl-C cancels the array (`scancel`), which interrupts the tasks so.
public struct SlurmEngine: StudyEngine {
    public var name: String { "slurm" }
    /// The runexp binary the tasks run (it must be reachable at this path on the nodes).
    public var executable: String
    /// CPUs per task, and the BLAS threads of each trial.
    public var threads: Int
    /// `--time` per task (Slurm's format, e.g. `30:00`), when given.
    public var time: String?
    /// Further `#SBATCH` lines, e.g. `--partition=gpu` (from `--slurm-arg`).
    public var extraArguments: [String]
    /// How often `squeue` is asked, in seconds.
    public var pollInterval = 2.0
    /// How many times interrupted tasks are submitted again.
    public var resubmissions = 2
    /// Submit and return at once, leaving the tasks `running` in study.json (`--detach`).
    public var detach = false

    public init(executable: String, threads: Int, time: String?, extraArguments: [String]) {
        self.executable = executable
        self.threads = max(1, threads)
        self.time = time
        self.extraArguments = extraArguments
    }

    /// The path of `sbatch`, or a study error naming the package that has it.
    public static func locateSubmitter() throws -> String {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(folder)/sbatch"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw StudyError(
            "the Slurm engine needs sbatch, which is not on the PATH: install Debian's slurm-client (and a cluster "
                + "to submit to; scripts/slurm-local.sh starts one on this machine), or run with --engine local")
    }

    /// Megabytes a task asks for: runexp's estimate of one trial twice over (the data and the
    /// program's own share), and at least 1 GiB.
    static func megabytes(_ matrix: TrialMatrix) -> Int {
        max(1024, 2 * matrix.estimatedBytes / (1 << 20) + 512)
    }

    /// `study.sbatch`: an array of `trials`, each task running its trial's command.
    public func script(_ trials: [Trial], study: StudyFolder, matrix: TrialMatrix) -> String {
        var lines = [
            "#!/bin/bash",
            "# runexp study of \(matrix.name): one array task per trial (study.json lists them).",
            "#SBATCH --job-name=runexp-\(matrix.name)",
            "#SBATCH --array=\(trials.map { String($0.index) }.joined(separator: ","))",
            "#SBATCH --cpus-per-task=\(threads)",
            "#SBATCH --mem=\(Self.megabytes(matrix))M",
            "#SBATCH --output=\(study.url.path)/logs/trial-%3a.log",
            "#SBATCH --open-mode=append",
        ]
        if let time { lines.append("#SBATCH --time=\(time)") }
        lines += extraArguments.map { "#SBATCH \($0)" }
        lines.append("case \"$SLURM_ARRAY_TASK_ID\" in")
        for trial in trials {
            let arguments = TrialCommand.arguments(
                trial, matrix.request, folder: study.trialFolder(trial), threads: threads)
            lines.append(
                "  \(trial.index)) exec \(([executable] + arguments).map(Self.quoted).joined(separator: " ")) ;;")
        }
        lines.append("  *) echo \"runexp: no trial $SLURM_ARRAY_TASK_ID in this study\" >&2; exit 2 ;;")
        lines.append("esac")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` as one word of a shell command.
    static func quoted(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || "/._-=+,:@".contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    public func run(
        _ trials: [Trial], study: StudyFolder, record: inout StudyRecord, changed: (Trial, StudyRecord) -> Void
    ) throws {
        let sbatch = try Self.locateSubmitter()
        let tools = URL(fileURLWithPath: sbatch).deletingLastPathComponent()
        // Trials an earlier, detached command submitted: follow their jobs before anything else.
        let submitted = trials.filter { record.statuses[$0.index] == .running && record.jobIDs[$0.index] != nil }
        if !detach {
            let jobs = Dictionary(grouping: submitted) { String(record.jobIDs[$0.index]!.prefix { $0 != "_" }) }
            for (job, members) in jobs.sorted(by: { $0.key < $1.key }) {
                try follow(job, members, tools: tools, study: study, record: &record, changed: changed)
            }
        }
        let followed = Set(submitted.map(\.index))
        var left = trials.filter { !followed.contains($0.index) || record.statuses[$0.index] == .interrupted }
        if detach { left = left.filter { !followed.contains($0.index) } }
        for attempt in 0...resubmissions where !left.isEmpty {
            try FileManager.default.createDirectory(
                at: study.url.appendingPathComponent("logs"), withIntermediateDirectories: true)
            try study.write("study.sbatch", script(left, study: study, matrix: record.matrix))
            let submitted = try Command.run(
                sbatch, ["--parsable", study.url.appendingPathComponent("study.sbatch").path])
            guard submitted.status == 0, let job = submitted.output.split(separator: ";").first.map(String.init) else {
                throw StudyError(
                    "sbatch refused the study: \(submitted.errors.isEmpty ? submitted.output : submitted.errors)")
            }
            for trial in left {
                record.jobIDs[trial.index] = "\(job)_\(trial.index)"
                record.statuses[trial.index] = .running
                changed(trial, record)
            }
            if detach { return }
            try follow(job, left, tools: tools, study: study, record: &record, changed: changed)
            left = left.filter { record.statuses[$0.index] == .interrupted }
            if left.isEmpty || StopSignal.isRequested || attempt == resubmissions { break }
        }
    }

    /// Polls the array `job` until each of `trials` has ended.
    private func follow(
        _ job: String, _ trials: [Trial], tools: URL, study: StudyFolder, record: inout StudyRecord,
        changed: (Trial, StudyRecord) -> Void
    ) throws {
        var open = Set(trials.map(\.index))
        var started: [Int: Date] = [:]
        var cancelled = false
        while !open.isEmpty {
            if StopSignal.isRequested, !cancelled {
                cancelled = true
                _ = try? Command.run(tools.appendingPathComponent("scancel").path, [job])
            }
            let states = try taskStates(job, tools: tools)
            for index in open.sorted() {
                let state = states[index]
                if state == "RUNNING", started[index] == nil { started[index] = Date() }
                // A task squeue no longer lists has ended (finished jobs age out after MinJobAge).
                guard state == nil || Self.ended(state!) else { continue }
                open.remove(index)
                let trial = record.matrix.trials[index]
                let ending = TrialCommand.ending(of: study.trialFolder(trial))
                record.statuses[index] = ending.status ?? Self.status(state)
                record.seconds[index] = ending.seconds ?? started[index].map { Date().timeIntervalSince($0) }
                changed(trial, record)
            }
            if !open.isEmpty { Thread.sleep(forTimeInterval: pollInterval) }
        }
    }

    /// Each array task's state (`PENDING`, `RUNNING`, `COMPLETED`, …) as squeue lists them.
    private func taskStates(_ job: String, tools: URL) throws -> [Int: String] {
        let listed = try Command.run(
            tools.appendingPathComponent("squeue").path, ["-h", "-r", "-j", job, "--states=all", "-o", "%K %T"])
        // An unknown or purged job id is an error to squeue: every task has ended.
        guard listed.status == 0 else { return [:] }
        var states: [Int: String] = [:]
        for line in listed.output.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count == 2, let index = Int(words[0]) { states[index] = String(words[1]) }
        }
        return states
    }

    static func ended(_ state: String) -> Bool {
        !["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED", "SIGNALING"]
            .contains(state)
    }

    /// A task that left no `run.json` verdict: stopped by Slurm (interrupted) or failed.
    static func status(_ state: String?) -> TrialStatus {
        ["TIMEOUT", "PREEMPTED", "CANCELLED", "NODE_FAIL"].contains(state ?? "") ? .interrupted : .failed
    }
}

/// A command run to its end with its output captured: how the Slurm engine talks to Slurm.
enum Command {
    static func run(_ executable: String, _ arguments: [String]) throws -> (
        status: Int32, output: String, errors: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = { (data: Data) in
            String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return (process.terminationStatus, text(out), text(err))
    }
}
