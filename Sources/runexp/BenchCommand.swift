import ArgumentParser
import Foundation
import Runner
import Spec
import RunFolder
import Tools

/// `runexp bench`: throughput, t-SNE time, GEMM rate and peak memory, optionally beside PyTorch's.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training throughput, t-SNE time, GEMM rate and peak memory; with --peer, beside PyTorch.")

    @Option(help: "The folder holding the experiments' specs.")
    var experiments = "experiments"

    @Option(
        name: .customLong("experiment"),
        help: ArgumentHelp(
            "An experiment to measure, by its spec's name in --experiments (repeatable; default: cnn_ae and aae_mlp).",
            valueName: "NAME"))
    var names: [String] = []

    @Option(help: "Seconds per throughput measurement.")
    var seconds = 8.0

    @Flag(help: "Also run the PyTorch peer (../shared/bench/torch_ref.py) and print the ratios.")
    var peer = false

    @Option(help: "The Python that has torch, for --peer.")
    var python = "python3"

    @Option(help: "The peer script of cnn_ae and aae_mlp, for --peer.")
    var peerScript = "../shared/bench/torch_ref.py"

    @Option(help: "The folder of the other experiments' peers (NAME.py, run with --bench), for --peer.")
    var peers = "scripts/peers"

    @Option(help: "Rounds of throughput measurements (runexp's, then the peer's); medians are reported.")
    var rounds = 3

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "A goal to check and print met or MISSED (repeatable): a lead over the peer, e.g. cnn_ae_train_img_s=2x, or a bound, e.g. cnn_ae_loop_overhead_pct<10. docs/performance.md lists the project's goals.",
            valueName: "KEY=Nx|KEY<N|KEY>N"),
        transform: { text in
            guard let goal = BenchGoal(text) else {
                throw ValidationError(
                    "--goal must be KEY=Nx, KEY<N or KEY>N, e.g. cnn_ae_train_img_s=2x; found '\(text)'")
            }
            return goal
        })
    var goal: [BenchGoal] = []

    @Option(help: "BLAS threads (default: all cores; in portable determinism, 2).", transform: ThreadCount.parse)
    var threads: Int?

    @Option(
        help: ArgumentHelp(
            "fast (this CPU's best kernels), portable (pinned, as replay runs), or both, interleaved.",
            valueName: "fast|portable|both"))
    var determinism = DeterminismModes(argument: "fast")!

    func run() throws {
        let modes = determinism.modes
        let figures: [Bench.Figure]
        let peerFigures: [String: Double]
        let names = self.names.isEmpty ? Bench.defaultExperiments : self.names
        do {
            let peerCommands =
                peer
                ? try Bench.peers(
                    for: names, folder: experiments, python: python, sharedScript: peerScript, peersFolder: peers) : []
            (figures, peerFigures) = try Bench.measure(
                experiments: experiments, names: names, seconds: seconds, rounds: rounds, peers: peerCommands,
                modes: modes, threads: threads
            ) { FileHandle.standardErrorText($0) }
        } catch {
            throw Exit.failing(error)
        }
        if json {
            FileHandle.standardOutputText(BenchReport.json(figures, peerFigures))
        } else {
            FileHandle.standardOutputText(BenchReport.table(figures, peerFigures))
            FileHandle.standardOutputText(
                BenchReport.targets(figures, peerFigures, goals: goal).map { "  " + $0 }.joined(separator: "\n"))
        }
    }

}
