import ArgumentParser
import Foundation
import Runner

/// `runexp data`: tools for data files.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Inspect data files and make MNIST-M.",
        subcommands: [Inspect.self, MakeMNISTM.self])

    /// `runexp data inspect FILE…`
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print shapes, dtypes, value ranges and label counts of .npy, .npz, IDX(.gz) or MNIST_M.npy files.")

        @Argument(help: "The files to inspect.")
        var files: [String]

        func run() throws {
            var failed = false
            for file in files {
                do {
                    print(try DataCommands.inspect(path: file))
                } catch {
                    Exit.show(error)
                    failed = true
                }
            }
            try Exit.unlessDone(failed ? Exit.badInput : Exit.done)
        }
    }

    /// `runexp data mnist-m --digits DIR --backgrounds DIR --out FILE.npz`
    struct MakeMNISTM: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mnist-m", abstract: "Make MNIST-M from MNIST digits (IDX files) and a folder of PNG photos.")

        @Option(help: "A folder of MNIST IDX files (train-*-idx3-ubyte[.gz], t10k-*…).")
        var digits: String

        @Option(help: "A folder of PNG photos, e.g. BSDS500's training images.")
        var backgrounds: String

        @Option(help: "The .npz to write.")
        var out: String

        @Option(help: "The seed of the crops and of the validation split.")
        var seed: UInt64 = 0

        @Option(help: "The fraction of the training digits held out for validation.")
        var validation: Double = 0.1

        func run() throws {
            do {
                print(
                    try DataCommands.makeMNISTM(
                        digits: digits, backgrounds: backgrounds, out: out, seed: seed,
                        validation: validation))
            } catch {
                throw Exit.failing(error)
            }
        }
    }
}
