import ArgumentParser
import Foundation
import Runner
import RunFolder

/// `runexp apply DIR encode|decode|reconstruct|sample …`: a trained run's networks on new inputs.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a trained run's networks (its last checkpoint) to new inputs.",
        discussion: """
            runexp apply DIR encode images.npy --out codes.npy          # the encoder's codes (N×D float32)
            runexp apply DIR decode codes.npy --out images.png          # the decoder's images of codes
            runexp apply DIR reconstruct images.npy --out recon.npy     # decoder(encoder(x))
            runexp apply DIR sample 100 --out samples.png               # decoded draws of the prior
            runexp apply DIR sample 10 --label 3 --out threes.png       # a conditional decoder's, class 3
            Images are whatever a spec's data may be, told by the path: a plain .npy (uint8 N×H×W×C, or \
            floats in [0, 1] such as the assignment's data.npy), the assignment's MNIST_M.npy, an .npz, a \
            folder of PNG and JPEG files (fitted to the run's image shape), or a CIFAR folder; every split \
            of it, read as the run read its own data. The networks are built from the run folder's \
            own resolved.yaml, whatever became of the spec file it was trained from; its options come \
            from its run.json, as for `runexp resume`. The checkpoint must hold exactly those networks' \
            tensors (a file without layout metadata is read in the layout its shapes show). Outputs: \
            float32 .npy, or a .png grid of images. A network that the run's loss gives one-hot labels \
            beside its input (concat(x, onehot(y)), concat(z, onehot(y))) reads a class beside each \
            input: --labels FILE.npy (one per image, code or draw: class indices or one-hot rows) or \
            --label N (the same for all); it is refused without them, and they are refused for a network \
            that reads none.
            """)

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case encode, decode, reconstruct, sample
    }

    @Argument(help: "The run folder whose checkpoint holds the weights.")
    var folder: String

    @Argument(help: "encode, decode, reconstruct or sample.")
    var action: Action

    @Argument(
        help:
            "The input: images (.npy, MNIST_M.npy, .npz, an image or CIFAR folder), codes (.npy) for decode, or for sample how many to draw."
    )
    var input: String

    @Option(help: "The file to write: .npy (float32) or .png (images only).")
    var out: String

    @Option(help: "The encoder network.")
    var encoder = "encoder"

    @Option(help: "The decoder network.")
    var decoder = "decoder"

    @Option(help: "The seed of sample's draws.")
    var seed: UInt64 = 0

    @Option(help: "For a network that reads labels: a .npy of one class per input (indices or one-hot rows).")
    var labels: String?

    @Option(help: "For a network that reads labels: the class of every input.")
    var label: Int?

    func run() throws {
        let count = action == .sample ? Int(input) : nil
        if action == .sample, (count ?? 0) < 1 || count! > 1_000_000 {
            throw Exit.failing(RunError("sample takes how many to draw, 1 to 1,000,000; found '\(input)'"))
        }
        // Paths typed here are relative to this folder; the run's own paths to the folder it was
        // started in, which the model is built from.
        let here = FileManager.default.currentDirectoryPath
        let absolute = { (path: String) in URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: here)).path }
        let (folder, input, out) = (absolute(self.folder), absolute(self.input), absolute(self.out))
        let given: GivenLabels?
        switch (labels, label) {
        case (.some, .some): throw Exit.failing(RunError("give either --labels FILE.npy or --label N, not both"))
        case (.some(let file), nil): given = .file(absolute(file))
        case (nil, .some(let label)): given = .every(label)
        case (nil, nil): given = nil
        }
        do {
            let model = try TrainedModel(try Train.optionsOfRun(in: folder), folder: folder)
            let output: TrainedModel.Output
            switch action {
            case .encode: output = try model.encode(input, network: encoder, labels: given)
            case .decode: output = try model.decode(input, network: decoder, labels: given)
            case .reconstruct: output = try model.reconstruct(input, encoder: encoder, decoder: decoder, labels: given)
            case .sample:
                try model.refuseOversizedGrid(of: count!, path: out)
                output = try model.sample(count!, seed: seed, network: decoder, labels: given)
            }
            try model.write(output, to: out)
            FileHandle.standardErrorText(
                "wrote \(self.out): \(output.count) × \(output.shape.map(String.init).joined(separator: "×"))")
        } catch {
            throw Exit.failing(error)
        }
    }
}
