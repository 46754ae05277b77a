import Data
import Foundation
import Testing

/// `runexp apply` on whatever a spec's data may be: the assignment's MNIST_M.npy and an image
/// folder, every split of it, read as the run read its own data.
struct ApplySourcesTests {
    /// A finished tiny autoencoder run in `run/` on `source`, with images of `shape`.
    func finishedRun(source: String, shape: String) throws -> Scratch {
        let scratch = try Scratch()
        try scratch.write(
            "tiny.yaml",
            """
            name: tiny
            data: {source: \(source), shape: \(shape), validation: 0}
            networks:
              encoder: {layers: [flatten, dense: 8, relu, dense: 4]}
              decoder: {layers: [dense: 8, relu, dense: \(shape == "[8, 8, 3]" ? 192 : 2352), sigmoid, reshape: \(shape)]}
            phases:
              - {name: r, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
            train: {epochs: 1, batch_size: 8}
            outputs: [tsne: {points: 20, perplexity: 5}]
            """)
        let outcome = try RunexpBinary.run(["tiny.yaml", "--out", "run"], in: scratch.url)
        try #require(outcome.status == 0, "\(outcome.stderr)")
        return scratch
    }

    @Test func theAssignmentsPickledMNISTMIsReadWithEverySplit() throws {
        let pickle = DataCommandTests.shared.appendingPathComponent("homework/MNIST_M_sample_p3.npy").path
        let scratch = try finishedRun(source: "{homework: \(pickle)}", shape: "[28, 28, 3]")
        let outcome = try RunexpBinary.run(["apply", "run", "encode", pickle, "--out", "codes.npy"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let codes = try NPY.read(path: scratch.path("codes.npy"))
        let inspect = try RunexpBinary.run(["data", "inspect", pickle], in: scratch.url)
        #expect(inspect.status == 0, "\(inspect.stderr)")
        // The train split's codes come first, as the run wrote them.
        let train = try NPY.read(path: scratch.path("run/arrays/codes_train.npy"))
        #expect(codes.shape[0] > train.shape[0], "\(codes.shape) \(train.shape)")
        #expect(Array(codes.floats().prefix(train.shape[0] * 4)) == train.floats())
    }

    @Test func anImageFolderIsFittedToTheRunsImageShape() throws {
        let folder = RunexpBinary.packageRoot.appendingPathComponent("experiments/images/shapes32").path
        let scratch = try finishedRun(source: "{images: \(folder), shape: [8, 8, 3]}", shape: "[8, 8, 3]")
        let outcome = try RunexpBinary.run(
            ["apply", "run", "reconstruct", folder, "--out", "recon.npy"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try NPY.read(path: scratch.path("recon.npy")).shape == [48, 8, 8, 3])
    }
}
