import Foundation
import Runner

/// Runs a study's trials as one Slurm job array: writes `study.sbatch` (one array task per trial,
/// each the runexp binary on its setting and seed), submits it with `sbatch`, and follows the tasks
/// with `squeue` until every one has ended. A task that Slurm stops (a time limit, preemption:
/// SIGTERM) checkpoints and ends interrupted; those are submitted again, resuming, up to
/// `resubmissions` times. Ctrl-C or SIGTERM cancels the open tasks (`scancel`), which interrupts
/// them so, and stops following within `stopGrace` seconds. `sbatch`, `squeue` and `scancel` run
/// with time limits (`ExternalCommand`); what they print is checked, never trusted: a job id must
/// be one, and a failing `squeue` is asked again, then fails the study, never ends a trial.
public struct SlurmEngine: StudyEngine {
    /// `slurm`, as study.json records it.
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
    /// How many times a failing `squeue` is asked again (after 1, 2, 4, … s) before the study fails.
    public var queryRetries = 3
    /// Seconds the tasks get, after Ctrl-C cancelled them, to record their own ending.
    public var stopGrace = 5.0
    /// Seconds `sbatch`, `squeue` and `scancel` may take before they are killed.
    static let timeouts = (submit: 120.0, query: 60.0, cancel: 30.0)
    /// Submit and return at once, leaving the tasks `running` in study.json (`--detach`).
    public var detach = false

    /// An engine running `executable` with `threads` CPUs per task, `time` and `extraArguments`
    /// checked when it runs (`problem(time:)`, `problem(slurmArgument:)`).
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
    public static func megabytes(_ matrix: TrialMatrix) -> Int {
        max(1024, 2 * matrix.estimatedBytes / (1 << 20) + 512)
    }

    /// `study.sbatch`: an array of `trials`, each task running its trial's command.
    public func script(_ trials: [Trial], study: StudyFolder, matrix: TrialMatrix) -> String {
        script(trials, studyFolder: study.url, matrix: matrix)
    }

    /// `study.sbatch` for the study folder at `url`, which `scriptProblem(studyFolder:)` accepted.
    public func script(_ trials: [Trial], studyFolder url: URL, matrix: TrialMatrix) -> String {
        // %% is a percent sign in Slurm's file name patterns; %3a the task's index.
        let logs = url.path.replacingOccurrences(of: "%", with: "%%") + "/logs/trial-%3a.log"
        var lines = [
            "#!/bin/bash",
            "# runexp study of \(matrix.name): one array task per trial (study.json lists them).",
            "#SBATCH --job-name=runexp-\(matrix.name)",
            "#SBATCH --array=\(trials.map { String($0.index) }.joined(separator: ","))",
            "#SBATCH --cpus-per-task=\(threads)",
            "#SBATCH --mem=\(Self.megabytes(matrix))M",
            "#SBATCH --output=\(Self.sbatchWord(logs))",
            "#SBATCH --open-mode=append",
        ]
        if let time { lines.append("#SBATCH --time=\(time)") }
        lines += extraArguments.map { "#SBATCH \(Self.sbatchWord($0))" }
        lines.append("case \"$SLURM_ARRAY_TASK_ID\" in")
        for trial in trials {
            let arguments = TrialCommand.arguments(
                trial, matrix.request, folder: StudyFolder.trialFolder(trial, in: url), threads: threads)
            lines.append(
                "  \(trial.index)) exec \(([executable] + arguments).map(Self.quoted).joined(separator: " ")) ;;")
        }
        lines.append("  *) echo \"runexp: no trial $SLURM_ARRAY_TASK_ID in this study\" >&2; exit 2 ;;")
        lines.append("esac")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Why `time` cannot be a Slurm time limit (`--time`), or nil when it can: minutes,
    /// minutes:seconds, hours:minutes:seconds, days-hours, days-hours:minutes,
    /// days-hours:minutes:seconds, or UNLIMITED (INFINITE).
    public static func problem(time: String) -> String? {
        if ["unlimited", "infinite"].contains(time.lowercased()) { return nil }
        let days = time.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let clock = days.last?.split(separator: ":", omittingEmptySubsequences: false) ?? []
        let numbers = Array(days.dropLast()) + clock
        let isNumber = { (part: Substring) in
            (1...9).contains(part.count) && part.allSatisfy { $0.isASCII && $0.isNumber }
        }
        if (1...3).contains(clock.count), numbers.allSatisfy(isNumber) { return nil }
        return "--time must be a Slurm time limit: minutes (30), minutes:seconds (30:00), hours:minutes:seconds "
            + "(2:00:00), days-hours (1-12), days-hours:minutes (1-12:30), days-hours:minutes:seconds "
            + "(1-12:30:00) or UNLIMITED; found \(ExternalCommand.shown(time))"
    }

    /// Why `argument` cannot be an `#SBATCH` line of study.sbatch (`--slurm-arg`), or nil when it can.
    public static func problem(slurmArgument argument: String) -> String? {
        if Self.hasControlCharacter(argument) {
            return "--slurm-arg must be one line with no control characters: it becomes an #SBATCH line of "
                + "study.sbatch, where a newline would start a command; found \(ExternalCommand.shown(argument))"
        }
        if !argument.hasPrefix("-") {
            return "--slurm-arg must be an sbatch option, starting with '-', such as --slurm-arg=--partition=short; "
                + "found \(ExternalCommand.shown(argument))"
        }
        return nil
    }

    /// Why this engine cannot write study.sbatch for the study folder at `path` (its `time`, an
    /// extra argument or the path), or nil when it can.
    public func scriptProblem(studyFolder path: String) -> String? {
        let problems = [time.flatMap { Self.problem(time: $0) }, Self.problem(studyFolder: path)]
        return (problems + extraArguments.map { Self.problem(slurmArgument: $0) }).compactMap { $0 }.first
    }

    /// Why the study folder at `path` cannot be named in study.sbatch, or nil when it can.
    public static func problem(studyFolder path: String) -> String? {
        guard Self.hasControlCharacter(path) || path.contains("\\") else { return nil }
        return "the study folder's path must hold no control character (a newline would end a line of "
            + "study.sbatch) and no backslash (it turns off Slurm's %a in the log names); found "
            + "\(ExternalCommand.shown(path)): choose another --out, or run from another folder"
    }

    /// Whether `text` holds a control character or a Unicode line or paragraph separator.
    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains {
            $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}"
        }
    }

    /// Follows the tasks an earlier `--detach` submitted, then submits the other `trials` (and
    /// those interrupted, up to `resubmissions` times) and follows them; `changed` is called
    /// whenever a trial is submitted or ends. A stop asked for returns with the open trials
    /// `interrupted` (or still `pending`); Slurm failing throws a `ClusterError`.
    public func run(
        _ trials: [Trial], study: StudyFolder, record: inout StudyRecord, changed: (Trial, StudyRecord) -> Void
    ) throws {
        let sbatch = try Self.locateSubmitter()
        let tools = URL(fileURLWithPath: sbatch).deletingLastPathComponent()
        if let problem = scriptProblem(studyFolder: study.url.path) { throw StudyError(problem) }
        // Trials an earlier, detached command submitted: follow their jobs before anything else.
        let submitted = trials.filter { record.statuses[$0.index] == .running && record.jobIDs[$0.index] != nil }
        if !detach {
            let jobs = Dictionary(grouping: submitted) { String(record.jobIDs[$0.index]!.prefix { $0 != "_" }) }
            for (job, members) in jobs.sorted(by: { $0.key < $1.key }) {
                guard Self.isJobNumber(job) else {
                    throw StudyError(
                        "study.json gives \(members[0].folderName) the job id \(ExternalCommand.shown(job)): "
                            + "expected a Slurm job id such as 4211_0")
                }
                try follow(job, members, tools: tools, study: study, record: &record, changed: changed)
            }
        }
        let followed = Set(submitted.map(\.index))
        var left = trials.filter { !followed.contains($0.index) || record.statuses[$0.index] == .interrupted }
        if detach { left = left.filter { !followed.contains($0.index) } }
        for attempt in 0...resubmissions where !left.isEmpty && !StopSignal.isRequested {
            try FileManager.default.createDirectory(
                at: study.url.appendingPathComponent("logs"), withIntermediateDirectories: true)
            try study.write("study.sbatch", script(left, study: study, matrix: record.matrix))
            let job: String
            do {
                job = try submit(sbatch, study: study)
            } catch is ExternalCommand.Stopped {
                return
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

    /// Submits `study.sbatch`; the job id sbatch printed, once checked to be one.
    private func submit(_ sbatch: String, study: StudyFolder) throws -> String {
        let submitted = try ExternalCommand.run(
            sbatch, ["--parsable", study.url.appendingPathComponent("study.sbatch").path],
            timeout: Self.timeouts.submit)
        guard submitted.status == 0 else {
            throw StudyError(
                "sbatch refused the study: \(submitted.errors.isEmpty ? submitted.output : submitted.errors)")
        }
        guard let job = Self.jobNumber(submitted: submitted.output) else {
            throw ClusterError(
                "sbatch printed no job id: expected what `sbatch --parsable` prints, digits such as 4211 "
                    + "(or 4211;cluster); found \(ExternalCommand.shown(submitted.output))")
        }
        return job
    }

    /// The job number in what `sbatch --parsable` printed (`4211`, or `4211;cluster`), or nil
    /// when it is no such thing.
    static func jobNumber(submitted text: String) -> String? {
        let parts = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        let cluster = parts.count == 2 ? parts[1] : "x"
        guard let number = parts.first, isJobNumber(number), !cluster.isEmpty,
            cluster.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) })
        else { return nil }
        return String(number)
    }

    /// Whether `text` is a Slurm job number: 1 to 18 ASCII digits.
    static func isJobNumber(_ text: some StringProtocol) -> Bool {
        (1...18).contains(text.count) && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Polls the array `job` until each of `trials` has ended, or a stop was asked for (then the
    /// open tasks are cancelled and marked interrupted).
    private func follow(
        _ job: String, _ trials: [Trial], tools: URL, study: StudyFolder, record: inout StudyRecord,
        changed: (Trial, StudyRecord) -> Void
    ) throws {
        var open = Set(trials.map(\.index))
        var started: [Int: Date] = [:]
        while !open.isEmpty {
            let states: [Int: String]
            do {
                if StopSignal.isRequested { throw ExternalCommand.Stopped() }
                states = try taskStates(job, tools: tools, study: study)
            } catch is ExternalCommand.Stopped {
                return stop(job, open, tools: tools, study: study, record: &record, changed: changed)
            }
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
            if !open.isEmpty { Self.pause(pollInterval) }
        }
    }

    /// After Ctrl-C or SIGTERM: cancels the `open` tasks of `job` (Slurm sends them SIGTERM, so
    /// they checkpoint), waits up to `stopGrace` seconds for each to record its own ending, and
    /// marks interrupted those that did not; `--resume` submits them again.
    private func stop(
        _ job: String, _ open: Set<Int>, tools: URL, study: StudyFolder, record: inout StudyRecord,
        changed: (Trial, StudyRecord) -> Void
    ) {
        _ = try? ExternalCommand.run(
            tools.appendingPathComponent("scancel").path, open.sorted().map { "\(job)_\($0)" },
            timeout: Self.timeouts.cancel, stoppable: false)
        var open = open
        let deadline = Date().addingTimeInterval(stopGrace)
        while !open.isEmpty, Date() < deadline {
            for index in open.sorted() {
                let trial = record.matrix.trials[index]
                let ending = TrialCommand.ending(of: study.trialFolder(trial))
                guard let status = ending.status else { continue }
                open.remove(index)
                record.statuses[index] = status.hasEnded ? status : .interrupted
                record.seconds[index] = ending.seconds
                changed(trial, record)
            }
            if !open.isEmpty { Thread.sleep(forTimeInterval: 0.2) }
        }
        for index in open.sorted() {
            record.statuses[index] = .interrupted
            changed(record.matrix.trials[index], record)
        }
    }

    /// Sleeps `seconds`, waking early when a stop is asked for.
    static func pause(_ seconds: Double) {
        let end = Date().addingTimeInterval(seconds)
        while !StopSignal.isRequested, Date() < end { Thread.sleep(forTimeInterval: min(0.1, seconds)) }
    }

    /// Each array task's state (`PENDING`, `RUNNING`, `COMPLETED`, …) as squeue lists them; none
    /// when squeue no longer knows the job (every task ended and aged out). A squeue that fails
    /// otherwise says nothing of the tasks: it is asked again, and after `queryRetries` more
    /// failures the study fails, its trials left `running` for `--resume` to follow.
    private func taskStates(_ job: String, tools: URL, study: StudyFolder) throws -> [Int: String] {
        var failure = ""
        for attempt in 0...queryRetries {
            if attempt > 0 { Self.pause(Double(1 << (attempt - 1))) }
            if StopSignal.isRequested { throw ExternalCommand.Stopped() }
            let listed: ExternalCommand.Outcome
            do {
                listed = try ExternalCommand.run(
                    tools.appendingPathComponent("squeue").path,
                    ["-h", "-r", "-j", job, "--states=all", "-o", "%K %T"], timeout: Self.timeouts.query)
            } catch let error as ClusterError {
                failure = error.description
                continue
            }
            if listed.status == 0 { return Self.states(listed.output) }
            if listed.errors.contains("Invalid job id") { return [:] }
            failure =
                "it exited with status \(listed.status), saying "
                + ExternalCommand.shown(listed.errors.isEmpty ? listed.output : listed.errors)
        }
        throw ClusterError(
            "squeue failed \(queryRetries + 1) times in a row on Slurm job \(job): \(failure); expected it to list "
                + "the job's tasks. They may still run: `runexp sweep --resume \(study.url.path)` follows them again")
    }

    /// `index state` lines, as squeue prints them with `-o '%K %T'`.
    static func states(_ listing: String) -> [Int: String] {
        var states: [Int: String] = [:]
        for line in listing.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count == 2, let index = Int(words[0]) { states[index] = String(words[1]) }
        }
        return states
    }

    /// Whether a task in `state` has ended.
    static func ended(_ state: String) -> Bool {
        !["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED", "SIGNALING"]
            .contains(state)
    }

    /// A task that left no `run.json` verdict: stopped by Slurm (interrupted) or failed.
    static func status(_ state: String?) -> TrialStatus {
        ["TIMEOUT", "PREEMPTED", "CANCELLED", "NODE_FAIL"].contains(state ?? "") ? .interrupted : .failed
    }
}
