import ArgumentParser
import Foundation
import Runner
import Spec

/// `runexp SPEC`: trains a spec and writes its result directory.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train a spec and write its result directory (the default command: `runexp SPEC`).")

    @OptionGroup var options: SpecOptions

    @Option(help: "The result directory (default: results/<name>/seed-<seed>, or a new one beside it).")
    var out: String?

    @Option(help: "BLAS threads (default: all cores; in portable determinism, 2).", transform: ThreadCount.parse)
    var threads: Int?

    @Flag(help: "Replace the result directory if it exists.")
    var force = false

    @Option(help: "Continue the run in this result directory from its last checkpoint.")
    var resume: String?

    @Flag(help: "Check, read the data and plan everything as the run would, then stop before the first step.")
    var dryRun = false

    @Flag(help: "Also write TensorBoard event files (tensorboard/ in the run folder: losses, metrics, images).")
    var tensorboard = false

    @Option(help: .hidden)
    var asha: String?

    @Option(help: .hidden)
    var ashaRungs: String?

    func validate() throws {
        if resume != nil, out != nil || force {
            throw ValidationError("--resume continues the run in its folder; --out and --force do not go with it")
        }
        if (asha == nil) != (ashaRungs == nil) { throw ValidationError("--asha and --asha-rungs go together") }
        if let asha, case .failure(let problem) = PruneSpec.parse(asha) { throw ValidationError("--asha: \(problem)") }
    }

    func run() throws {
        try Self.execute(runOptions(commandLine: CommandLine.arguments))
    }

    /// What this command line asks the runner to do; `commandLine` is what run.json records.
    func runOptions(commandLine: [String]) -> RunOptions {
        var run = RunOptions(specPath: options.spec)
        run.overrides = options.overrides
        run.seed = options.seed
        run.determinism = options.determinism
        run.out = out
        run.threads = threads
        run.force = force
        run.resume = resume
        run.dryRun = dryRun
        run.tensorboard = tensorboard
        if let asha, let ashaRungs, case .success(let rule) = PruneSpec.parse(asha) {
            run.pruning = RungJudge(rule: rule, folder: ashaRungs)
        }
        run.commandLine = commandLine
        return run
    }

    /// Runs `run`, showing progress on standard error, and ends with the run's exit code.
    static func execute(_ run: RunOptions) throws {
        let terminal = isatty(STDERR_FILENO) != 0
        let console = RunConsole(
            progress: { line in FileHandle.standardErrorBytes("\r\u{1B}[2K" + FileHandle.escapingControls(line)) },
            message: { FileHandle.standardErrorText($0) }, error: Exit.show, isTerminal: terminal)
        try Exit.unlessDone(Exit.code(RunCommand.run(run, console: console)))
    }
}
