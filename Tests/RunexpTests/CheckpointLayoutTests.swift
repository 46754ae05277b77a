import Data
import Foundation
import Testing

/// A `parameters.safetensors` whose metadata names no layout (as PyTorch's `save_file` of an
/// exported module's `state_dict()` writes it): its layout is read from the tensors' shapes where
/// PyTorch's and runexp's earlier layout differ, and a file that fits both is refused.
struct CheckpointLayoutTests {
    /// Rewrites the run's weights file with the same tensors and no `layout` in its metadata, as
    /// `safetensors.torch.save_file(module.state_dict(), path)` writes a PyTorch module's weights.
    func dropLayout(in folder: String) throws {
        let path = "\(folder)/checkpoint/parameters.safetensors"
        let contents = try SafeTensors.read(path: path)
        try Foundation.Data(SafeTensors.encode(contents.tensors)).write(to: URL(fileURLWithPath: path))
    }

    @Test func aPyTorchLayoutCheckpointWithoutLayoutMetadataAppliesExactlyAsTheRun() throws {
        let scratch = try ApplyCommandTests().finishedRun()
        let sample = ["apply", "run", "sample", "12", "--out"]
        let before = try RunexpBinary.run(sample + ["before.npy"], in: scratch.url)
        try #require(before.status == 0, "\(before.stderr)")
        try dropLayout(in: scratch.path("run"))
        let encode = try RunexpBinary.run(
            ["apply", "run", "encode", ApplyCommandTests.sample, "--out", "codes.npy"], in: scratch.url)
        #expect(encode.status == 0, "\(encode.stderr)")
        #expect(
            try NPY.read(path: scratch.path("codes.npy"))
                == (try NPY.read(path: scratch.path("run/arrays/codes_train.npy"))))
        let after = try RunexpBinary.run(sample + ["after.npy"], in: scratch.url)
        #expect(after.status == 0, "\(after.stderr)")
        #expect(try NPY.read(path: scratch.path("after.npy")) == (try NPY.read(path: scratch.path("before.npy"))))
    }

    /// A finished run whose every weight is square (2×2 images of 4 values, 4 codes).
    func squareRun() throws -> Scratch {
        let scratch = try Scratch()
        var random = SystemRandomNumberGenerator()
        let values = (0..<(20 * 2 * 2)).map { _ in Float.random(in: 0...1, using: &random) }
        try NPY.write(try NumericArray(shape: [20, 2, 2], elements: values), to: scratch.path("d.npy"))
        try scratch.write(
            "square.yaml",
            """
            name: square
            seed: 1
            data: {source: {npy: d.npy}, shape: [4], validation: 0}
            networks:
              encoder:
                layers: [dense: 4]
              decoder:
                layers: [dense: 4, sigmoid]
            phases:
              - name: r
                loss: mse(decoder(encoder(x)), x)
                update: [encoder, decoder]
                optimizer: {adam: {lr: 0.01}}
            train: {epochs: 1, batch_size: 8}
            """)
        let run = try RunexpBinary.run(["square.yaml", "--out", "run"], in: scratch.url)
        try #require(run.status == 0, "\(run.stderr)")
        return scratch
    }

    @Test func aCheckpointWithoutLayoutMetadataWhoseWeightsAreAllSquareIsRefusedSayingWhy() throws {
        let scratch = try squareRun()
        try dropLayout(in: scratch.path("run"))
        let outcome = try RunexpBinary.run(["apply", "run", "encode", "d.npy", "--out", "codes.npy"], in: scratch.url)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("names no layout"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("'encoder.layers.0.weight' is 4×4"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("codes.npy")))
    }

    @Test func aSquareWeightsCheckpointThatNamesItsLayoutStillApplies() throws {
        let scratch = try squareRun()
        let outcome = try RunexpBinary.run(["apply", "run", "encode", "d.npy", "--out", "codes.npy"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }
}
