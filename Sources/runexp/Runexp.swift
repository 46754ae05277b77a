import ArgumentParser
import Foundation
import Runner
import Spec
import Study

/// The `runexp` command: parses arguments, calls the runner, prints, and exits with 0, 1 or 2.
@main
struct Runexp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runexp",
        abstract: "Declarative, reproducible autoencoder and adversarial-autoencoder experiments on the CPU.",
        discussion: """
            A YAML spec declares the data, networks, losses, optimizers and schedule. Examples:
              runexp experiments/cnn_ae.yaml
              runexp check experiments/cnn_ae.yaml
              runexp check experiments/aae_mlp.yaml --seed 7 --set train.epochs=5
            Exit codes: 0 done, 1 a difference or a failed expectation, 2 bad input or usage.
            """,
        version: RunexpVersion.string,
        subcommands: [
            Train.self, Check.self, ResumeCommand.self, DataCommand.self, BenchCommand.self, DiffCommand.self,
            ReplayCommand.self, SweepCommand.self, CompareCommand.self, ApplyCommand.self, ExportCommand.self,
            RunsCommand.self,
        ],
        defaultSubcommand: Train.self)

    /// Usage errors exit 2 like every other bad input (swift-argument-parser's default is 64).
    static func main() {
        // A file-size limit (ulimit -f) must make a write fail with EFBIG, which the runner reports
        // as `failed: …`, instead of killing the process halfway through a file.
        signal(SIGXFSZ, SIG_IGN)
        // Likewise a reader that went away (`runexp SPEC | head -1`): the write fails and is dropped,
        // and the run finishes and records itself instead of dying at its next line of output.
        signal(SIGPIPE, SIG_IGN)
        let commands = configuration.subcommands.map { $0._commandName }
        if let misspelt = UsageHints.misspeltCommand(Array(CommandLine.arguments.dropFirst()), commands: commands) {
            FileHandle.standardErrorText(misspelt)
            end(Exit.badInput)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            end(code.rawValue)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            let message = fullMessage(for: error)
            Exit.showUsage(message)
            if let hint = UsageHints.unknownOption(message) { FileHandle.standardErrorText(hint) }
            end(Exit.badInput)
        }
        end(Exit.done)
    }

    /// Ends the process with `code` without the exit handlers: OpenBLAS's joins its worker threads,
    /// and a worker that could not get its buffer (under `ulimit -v`) retries forever, so `exit`
    /// would hang after the run had refused cleanly. Standard output is flushed first.
    static func end(_ code: Int32) -> Never {
        fflush(nil)
        _exit(code)
    }
}

/// Spec-level options shared by every command that reads a spec.
struct SpecOptions: ParsableArguments {
    @Argument(help: "The experiment spec (YAML), e.g. experiments/cnn_ae.yaml.")
    var spec: String

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Override a spec value, e.g. --set train.epochs=5 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(name: .customLong("seed"), parsing: .unconditionalSingleValue, help: "Override the spec's seed.")
    var seeds: [String] = []

    @Option(
        name: .customLong("determinism"),
        help: ArgumentHelp(
            "Override the spec's determinism: fast (this CPU's best kernels) or portable (the same bits on every machine).",
            valueName: "fast|portable"), transform: DeterminismMode.parse)
    var determinisms: [DeterminismMode] = []

    /// `--seed`, given at most once (validated).
    var seed: UInt64? { seeds.last.flatMap { UInt64($0) } }
    /// `--determinism`, given at most once.
    var determinism: DeterminismMode? { determinisms.last }

    /// A value given twice is refused rather than the first silently dropped.
    func validate() throws {
        if seeds.count > 1 {
            throw ValidationError("--seed is given \(seeds.count) times (\(seeds.joined(separator: ", "))); give one")
        }
        if let seed = seeds.first, UInt64(seed) == nil {
            throw ValidationError("--seed must be a whole number from 0 to \(UInt64.max); found '\(seed)'")
        }
        if determinisms.count > 1 {
            throw ValidationError("--determinism is given \(determinisms.count) times; give one")
        }
    }
}

/// `runexp check SPEC`: validates a spec and prints its networks, schedule and resolved values.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a spec and print its networks, phase schedule and resolved values, without training.")

    @OptionGroup var options: SpecOptions

    func run() throws {
        switch SpecCheck.run(
            path: options.spec, overrides: options.overrides, seed: options.seed, determinism: options.determinism)
        {
        case .success(let checked):
            let folder = URL(fileURLWithPath: options.spec).deletingLastPathComponent().path
            FileHandle.standardOutputText(SpecCheck.report(SpecCheck.readingData(checked, specFolder: folder)))
            // A spec that declares a study: every trial's spec is checked, and the matrix shown.
            if let sweep = checked.spec.sweep {
                let request = StudyRequest(
                    specPath: options.spec, seeds: sweep.seeds.map { UInt64($0) },
                    grid: sweep.grid.map { ($0.key, $0.values) }, overrides: options.overrides)
                do {
                    FileHandle.standardOutputText(
                        "\nstudy (runexp sweep):\n" + (try TrialMatrix.make(request)).yaml, terminator: "")
                } catch {
                    throw Exit.failing(error)
                }
            }
        case .failure(let problems):
            throw Exit.failing(LocatedError(problems, file: options.spec))
        }
    }
}
