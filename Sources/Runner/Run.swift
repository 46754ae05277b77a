import Data
import Foundation
import Graph
import Kernels
import Spec

/// What `runexp SPEC` was asked to do.
public struct RunOptions: Sendable {
    public var specPath: String
    public var overrides: [String] = []
    public var seed: UInt64?
    /// `--determinism` as typed (`fast` or `portable`), which overrides the spec's.
    public var determinism: String?
    public var out: String?
    public var threads: Int?
    public var force = false
    /// An existing run folder to continue from its last checkpoint.
    public var resume: String?
    /// Check, read the data and plan every phase and evaluation as the run would, then stop before
    /// the first step, writing nothing.
    public var dryRun = false
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
    /// Whether progress lines can be redrawn in place (standard error is a terminal).
    public var isTerminal: Bool

    public init(
        progress: @escaping @Sendable (String) -> Void, message: @escaping @Sendable (String) -> Void,
        isTerminal: Bool
    ) {
        self.progress = progress
        self.message = message
        self.isTerminal = isTerminal
    }
}

/// `runexp SPEC`: checks the spec, loads the data, trains, and writes the result directory.
public enum RunCommand {
    /// Runs and returns the exit code: 0 done, 1 an expectation missed or the run failed, 2 bad input,
    /// 130 interrupted.
    public static func run(_ options: RunOptions, console: RunConsole) -> Int32 {
        // From the start, so that Ctrl-C while the data loads still ends in an `interrupted` folder.
        StopSignal.install()
        let checked: CheckedSpec
        switch SpecCheck.run(
            path: options.specPath, overrides: options.overrides, seed: options.seed,
            determinism: options.determinism)
        {
        case .success(let value): checked = value
        case .failure(let problems):
            console.message(SpecCheck.describe(problems, file: options.specPath))
            return 2
        }
        let spec = checked.spec
        let arithmetic: ArithmeticSetup
        let data: ExperimentData
        let trainer: Trainer
        let folder: ResultDirectory
        do {
            arithmetic = try ArithmeticSetup.apply(spec.determinism, threads: options.threads)
            let specFolder = URL(fileURLWithPath: options.specPath).deletingLastPathComponent().path
            data = try checked.data ?? ExperimentData.load(spec.data, seed: spec.seed, specDirectory: specFolder)
            trainer = try Trainer(checked: checked, data: data)
            if options.dryRun {
                console.message(
                    "dry run: \(spec.name) (seed \(spec.seed)) planned \(trainer.phases.count) phases on "
                        + "\(data.train.count) training images; nothing trained, nothing written")
                return 0
            }
            if let resume = options.resume {
                folder = try ResultDirectory.existing(resume)
            } else {
                folder = try ResultDirectory.create(
                    at: options.out ?? "results/\(spec.name)/seed-\(spec.seed)", replace: options.force)
            }
        } catch {
            console.message(errorLine(error))
            return 2
        }
        let session = RunSession(
            options: options, checked: checked, arithmetic: arithmetic, trainer: trainer, folder: folder)
        if options.resume != nil {
            do {
                try session.resume(console: console)
            } catch {
                console.message(errorLine(error))
                return 2
            }
        }
        return execute(session, console)
    }

    static func execute(_ session: RunSession, _ console: RunConsole) -> Int32 {
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
            let printer = ProgressPrinter(console: console)
            let outcome = try session.trainer.train(
                record: { record in
                    session.history.note(record)
                    try session.folder.append("metrics.jsonl", line: record.compact)
                },
                progress: printer.step,
                epochEnded: { metrics in
                    session.history.epochs.append(metrics)
                    printer.epoch(metrics)
                }, stopRequested: { StopSignal.isRequested })
            printer.finish()
            return try session.finish(outcome, console: console)
        } catch {
            try? session.writeStatus("failed: \(error)")
            console.message(errorLine(error))
            return 1
        }
    }
}

/// An error as one line for the user, with exactly one `error:`: a located diagnostic carries its own.
func errorLine(_ error: Error) -> String {
    (error as? Diagnostic)?.description ?? "error: \(error)"
}
