import Data
import Foundation
import Graph
import Kernels
import Spec
import RunFolder

/// What `runexp SPEC` was asked to do.
public struct RunOptions: Sendable {
    public var specPath: String
    public var overrides: [String] = []
    public var seed: UInt64?
    /// `--determinism`, which overrides the spec's.
    public var determinism: DeterminismMode?
    public var out: String?
    public var threads: Int?
    public var force = false
    /// An existing run folder to continue from its last checkpoint.
    public var resume: String?
    /// Check, read the data and plan every phase and evaluation as the run would, then stop before
    /// the first step, writing nothing.
    public var dryRun = false
    /// Also write the records as TensorBoard event files (`tensorboard/` in the run folder).
    public var tensorboard = false
    /// A study trial's pruning rule (the sweep's `--asha`), judged at each rung.
    public var pruning: RungJudge?
    public var commandLine: [String] = []

    public init(specPath: String) {
        self.specPath = specPath
    }
}

/// Where a run's messages go: the command line decides how to show them.
public struct RunConsole: Sendable {
    /// A progress line that may be overwritten by the next (terminal) or is printed once per epoch.
    public var progress: @Sendable (String) -> Void
    /// A line for the user.
    public var message: @Sendable (String) -> Void
    /// An error that ends the run or refuses it; the command line renders it.
    public var error: @Sendable (Error) -> Void
    /// Whether progress lines can be redrawn in place (standard error is a terminal).
    public var isTerminal: Bool

    public init(
        progress: @escaping @Sendable (String) -> Void, message: @escaping @Sendable (String) -> Void,
        error: @escaping @Sendable (Error) -> Void, isTerminal: Bool
    ) {
        self.progress = progress
        self.message = message
        self.error = error
        self.isTerminal = isTerminal
    }
}

/// How a run ended; the command line turns it into an exit code.
public enum RunResult: Sendable, Equatable {
    /// Trained and wrote everything (or, for a dry run, planned everything).
    case done
    /// Trained, but an `expect:` was missed.
    case missedExpectation
    /// Trained and wrote the report and checkpoint, but some outputs failed (`failed_outputs` in run.json).
    case outputsFailed
    /// Stopped by a problem during training or writing (`failed: …` in run.json).
    case failed
    /// Refused before anything ran: the spec, the data, the folder.
    case refused
    /// Stopped by Ctrl-C or SIGTERM.
    case interrupted
}

/// An error whose text names its place itself: one `file:line:col: error: …` line per problem (and,
/// for a refused spec, how many).
public struct LocatedError: Error, CustomStringConvertible, Sendable {
    public var description: String

    /// A spec refused with every problem found, as `check` prints them.
    public init(_ problems: SpecProblems, file: String) {
        description = SpecCheck.describe(problems, file: file)
    }

    /// `error` when its text names its place (a located diagnostic, or one of these); nil otherwise.
    public static func from(_ error: Error) -> LocatedError? {
        if let located = error as? LocatedError { return located }
        if let diagnostic = error as? Diagnostic { return LocatedError(description: diagnostic.description) }
        return nil
    }

    init(description: String) { self.description = description }
}

/// `runexp SPEC`: checks the spec, loads the data, trains, and writes the result directory.
public enum RunCommand {
    /// Runs, reporting through `console`, and says how it ended.
    public static func run(_ options: RunOptions, console: RunConsole) -> RunResult {
        // From the start, so that Ctrl-C while the data loads still ends in an `interrupted` folder.
        StopSignal.install()
        let clock = StageClock()
        let checked: CheckedSpec
        let checking = DispatchTime.now().uptimeNanoseconds
        switch SpecCheck.run(
            path: options.specPath, overrides: options.overrides, seed: options.seed,
            determinism: options.determinism)
        {
        case .success(let value): checked = value
        case .failure(let problems):
            console.error(LocatedError(problems, file: options.specPath))
            return .refused
        }
        let session: RunSession
        let lock: FolderLock
        do {
            guard let prepared = try prepare(checked, options, clock: clock, since: checking, console: console) else {
                return .done
            }
            (session, lock) = prepared
        } catch let diagnostic as Diagnostic {
            console.error(LocatedError(SpecProblems([diagnostic]), file: options.specPath))
            return .refused
        } catch {
            console.error(error)
            return .refused
        }
        if options.resume != nil {
            do {
                try session.resume(console: console)
            } catch {
                console.error(error)
                return .refused
            }
        }
        return withExtendedLifetime(lock) { execute(session, console) }
    }

    /// Sets up the arithmetic, loads the data, plans the trainer and claims and locks the run
    /// folder; nil for a dry run, which stops once everything is planned.
    static func prepare(
        _ checked: CheckedSpec, _ options: RunOptions, clock: StageClock, since checking: UInt64, console: RunConsole
    ) throws -> (RunSession, FolderLock)? {
        let spec = checked.spec
        let arithmetic = try ArithmeticSetup.apply(
            spec.determinism, threads: options.threads,
            modelBytes: MemoryEstimate(model: checked.model, batchSize: spec.train.batchSize, phases: spec.phases)
                .totalBytes)
        // A data file check had to read counts to loading; embedded data loads here.
        clock.add(.check, Double(DispatchTime.now().uptimeNanoseconds - checking) / 1e9)
        let specFolder = URL(fileURLWithPath: options.specPath).deletingLastPathComponent().path
        let data = try clock.measure(.load) {
            try checked.data ?? ExperimentData.load(spec.data, seed: spec.seed, specDirectory: specFolder)
        }
        if let first = data.skipped.first {
            console.message("skipped \(data.skipped.count) unreadable files (run.json lists each), the first \(first)")
        }
        let trainer = try Trainer(checked: checked, data: data, context: arithmetic.context)
        trainer.clock = clock
        if options.dryRun {
            console.message(
                "dry run: \(spec.name) (seed \(spec.seed)) planned \(trainer.phases.count) phases on "
                    + "\(data.train.count) training images; nothing trained, nothing written")
            return nil
        }
        let folder: ResultDirectory
        let lock: FolderLock
        if let resume = options.resume {
            folder = try ResultDirectory.existing(resume)
            lock = try FolderLock(folder.url)
        } else {
            (folder, lock) = try ResultDirectory.claim(
                at: options.out ?? "results/\(spec.name)/seed-\(spec.seed)", replace: options.force)
        }
        trainer.rungJudge = options.pruning.map { ($0, folder.url.lastPathComponent) }
        let session = RunSession(
            options: options, checked: checked, arithmetic: arithmetic, trainer: trainer, folder: folder)
        return (session, lock)
    }

    static func execute(_ session: RunSession, _ console: RunConsole) -> RunResult {
        do {
            try session.begin()
            let spec = session.checked.spec
            // Fast mode is the default and needs no word; portable mode says what it pinned.
            let pinned = spec.determinism == .portable ? ", \(session.arithmetic.summary)" : ""
            console.message("training \(spec.name) (seed \(spec.seed)\(pinned)) → \(session.folder.url.path)")
            session.trainer.epochCheckpoint = {
                try StopSignal.critical {
                    try Checkpoint.save(session.trainer, to: session.folder, specDigest: session.specDigest)
                }
            }
            // On resume, metrics.jsonl already holds only what the checkpoint covers.
            let tensorboard =
                session.options.tensorboard
                ? try TensorBoardLog(
                    folder: session.folder,
                    records: ((try? String(contentsOfFile: session.folder.path("metrics.jsonl"), encoding: .utf8))
                        ?? "").split(separator: "\n").map(String.init)) : nil
            let printer = ProgressPrinter(console: console)
            let clock = session.trainer.clock
            let live = LiveReport(session: session)
            let before = clock.total(.evaluation) + clock.total(.checkpoints) + clock.total(.report)
            let training = DispatchTime.now().uptimeNanoseconds
            let outcome = try session.trainer.train(
                record: { record in
                    session.history.note(record)
                    try session.folder.append("metrics.jsonl", line: record.json.compact)
                    try tensorboard?.note(record)
                },
                progress: printer.step,
                epochEnded: { metrics in
                    session.history.epochs.append(metrics)
                    printer.epoch(metrics)
                    // A convenience: a page that cannot be written does not stop training (a full
                    // disk stops it at the checkpoint, with the reason).
                    clock.measure(.report) { try? live.epochEnded(metrics.epoch) }
                }, stopRequested: { StopSignal.isRequested })
            printer.finish()
            if outcome == .complete, let final = session.trainer.finalMetrics { printer.final(final) }
            // The steps' time: the whole of train() less what it spent evaluating, checkpointing and
            // writing the live report.
            let whole = Double(DispatchTime.now().uptimeNanoseconds - training) / 1e9
            let spent = clock.total(.evaluation) + clock.total(.checkpoints) + clock.total(.report) - before
            clock.add(.train, whole - spent)
            let result = try session.finish(outcome, console: console)
            if [.done, .missedExpectation, .outputsFailed].contains(result) {
                do {
                    try tensorboard?.addImages(of: session.folder, step: session.trainer.step)
                } catch {
                    console.message("note: the images were not added to the TensorBoard events: \(error)")
                }
            }
            return result
        } catch {
            try? session.writeStatus("failed: \(error)")
            console.error(error)
            return .failed
        }
    }
}
