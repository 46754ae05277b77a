import ArgumentParser
import Foundation
import Runner

/// `runexp replay [SPEC…]`: re-runs committed specs on their replay budget and checks the references.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-run committed specs with their replay budget and compare with the references in results/.",
        discussion: "Exit codes: 0 all match, 1 a metric or an expectation missed, 2 bad input.")

    @Argument(help: "The specs to replay (default: every experiments/*.yaml).")
    var specs: [String] = []

    @Option(help: "The folder of committed references.")
    var results = "results"

    @Flag(help: "Write the references instead of comparing with them.")
    var record = false

    func run() throws {
        let paths =
            specs.isEmpty
            ? ((try? FileManager.default.contentsOfDirectory(atPath: "experiments")) ?? [])
                .filter { $0.hasSuffix(".yaml") }.sorted().map { "experiments/\($0)" }
            : specs
        let console = RunConsole(progress: { _ in }, message: { FileHandle.standardErrorText($0) }, isTerminal: false)
        var outcomes: [Replay.Outcome] = []
        for path in paths {
            FileHandle.standardErrorText("replaying \(path)…")
            do {
                outcomes.append(try Replay.run(specPath: path, results: results, record: record, console: console))
            } catch {
                FileHandle.standardErrorText("\(error)")
                throw ExitCode(2)
            }
        }
        if record { return }
        print(Replay.table(outcomes))
        let misses = outcomes.flatMap(\.misses)
        for miss in misses { FileHandle.standardErrorText(miss) }
        print(misses.isEmpty ? "\(outcomes.count) specs replayed: all match" : "\(misses.count) misses")
        if !misses.isEmpty { throw ExitCode(1) }
    }
}
