import ArgumentParser
import Foundation
import Runner
import Spec
import Tools

/// `runexp replay [SPEC…]`: re-runs committed specs on their replay budget and checks the references.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-run committed specs with their replay budget and compare with the references in results/.",
        discussion: """
            Replays run in portable determinism: a reference recorded on one machine must be met bit for bit \
            (parameters and images) on any other. --core-types replays once per OpenBLAS kernel family, as on \
            machines whose OpenBLAS picks each.
            Exit codes: 0 all match, 1 a metric or an expectation missed, 2 bad input.
            """)

    @Argument(help: "The specs to replay (default: every experiments/*.yaml).")
    var specs: [String] = []

    @Option(help: "The folder of committed references.")
    var results = "results"

    @Flag(help: "Write the references instead of comparing with them.")
    var record = false

    @Option(
        help: ArgumentHelp(
            "portable (the same bits on every machine), or fast (this CPU's best kernels).",
            valueName: "portable|fast"), transform: DeterminismMode.parse)
    var determinism = DeterminismMode.portable

    @Option(
        help: ArgumentHelp(
            "Replay once per OpenBLAS core type, each in a process of its own: all (every one this CPU runs) or a list such as Haswell,SkylakeX.",
            valueName: "all|NAME,…"))
    var coreTypes: String?

    func validate() throws {
        if record && coreTypes != nil {
            throw ValidationError("--record writes one reference; it cannot be combined with --core-types")
        }
    }

    func run() throws {
        if let coreTypes { return try replayAcrossCores(coreTypes) }
        let paths =
            specs.isEmpty
            ? ((try? FileManager.default.contentsOfDirectory(atPath: "experiments")) ?? [])
                .filter { $0.hasSuffix(".yaml") }.sorted().map { "experiments/\($0)" }
            : specs
        let console = RunConsole(
            progress: { _ in }, message: { FileHandle.standardErrorText($0) }, error: Exit.show, isTerminal: false)
        let mode = determinism
        var outcomes: [Replay.Outcome] = []
        for path in paths {
            FileHandle.standardErrorText("replaying \(path)…")
            do {
                outcomes.append(
                    try Replay.run(specPath: path, results: results, record: record, mode: mode, console: console))
            } catch {
                throw Exit.failing(error)
            }
        }
        if record { return }
        FileHandle.standardOutputText(Replay.table(outcomes))
        for note in outcomes.flatMap(\.notes) { FileHandle.standardErrorText("note: \(note)") }
        let misses = outcomes.flatMap(\.misses)
        for miss in misses { FileHandle.standardErrorText(miss) }
        FileHandle.standardOutputText(
            misses.isEmpty ? "\(outcomes.count) specs replayed: all match" : "\(misses.count) misses")
        try Exit.unlessDone(misses.isEmpty ? Exit.done : Exit.differs)
    }

    private func replayAcrossCores(_ names: String) throws {
        let replays: [ReplayAcrossCores.Result]
        do {
            let cores = try ReplayAcrossCores.cores(named: names)
            let arguments = ["replay"] + specs + ["--results", results, "--determinism", determinism.rawValue]
            replays = try ReplayAcrossCores.run(arguments: arguments, cores: cores) { line in
                FileHandle.standardOutputText(line)
                fflush(nil)  // before the child writes below it
            }
        } catch {
            throw Exit.failing(error)
        }
        FileHandle.standardOutputText(ReplayAcrossCores.summary(replays))
        try Exit.unlessDone(ReplayAcrossCores.status(replays))
    }
}
