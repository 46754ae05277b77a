import ArgumentParser
import Foundation
import Runner
import Tools

/// `runexp data`: tools for data files.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect data files, make MNIST-M, export a spec's splits, make the assignment's files.",
        subcommands: [Inspect.self, MakeMNISTM.self, Export.self, Homework.self])

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
                    FileHandle.standardOutputText(try DataCommands.inspect(path: file))
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
                FileHandle.standardOutputText(
                    try DataCommands.makeMNISTM(
                        digits: digits, backgrounds: backgrounds, out: out, seed: seed,
                        validation: validation))
            } catch {
                throw Exit.failing(error)
            }
        }
    }

    /// `runexp data export SPEC --out FILE.npz`
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write the splits a spec trains and evaluates on (train, valid, test; uint8 images and labels) to an .npz, for a PyTorch peer."
        )

        @Argument(help: "The spec whose data to export.")
        var spec: String

        @Option(help: "The .npz to write.")
        var out: String

        @Option(name: .customLong("set"), help: "Override a spec value, e.g. data.validation=0.2 (repeatable).")
        var overrides: [String] = []

        @Option(help: "The seed (decides the validation hold-out and MNIST-M's crops).")
        var seed: UInt64?

        func run() throws {
            do {
                FileHandle.standardOutputText(
                    try DataCommands.export(spec: spec, overrides: overrides, seed: seed, out: out))
            } catch {
                throw Exit.failing(error)
            }
        }
    }

    /// `runexp data homework --out DIR`
    struct Homework: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the assignment's MNIST_M.npy, data.npy and labels.npy, made from the embedded data.")

        @Option(help: "The folder to write the three files into (made if missing).")
        var out: String

        @Option(help: "The seed (decides the validation hold-out and MNIST-M's crops).")
        var seed: UInt64 = 0

        func run() throws {
            do {
                FileHandle.standardOutputText(try HomeworkFiles.write(folder: out, seed: seed))
            } catch {
                throw Exit.failing(error)
            }
        }
    }
}
