import Data
import Foundation
import Testing

/// `runexp apply` as a user runs it on a finished run: its networks, with its checkpoint's weights,
/// on files of their own.
struct ApplyCommandTests {
    /// The assignment's 60 sample digits, all trained on (no hold-out), so the run writes the codes
    /// of every one of them in file order.
    static let sample = DataCommandTests.shared.appendingPathComponent("homework/data_sample.npy").path

    /// A finished tiny autoencoder run in `run/`, with a normal prior so it can be sampled.
    func finishedRun() throws -> Scratch {
        let scratch = try Scratch()
        try scratch.write(
            "tiny.yaml",
            EvaluationPolicyTests.tinySpec(
                data: ", validation: 0", prior: "prior: {normal: {dim: 4}}\n",
                loss: "mse(decoder(encoder(x)), x) + mmd(encoder(x), z)", train: "epochs: 2, batch_size: 8",
                outputs: "outputs: [tsne: {points: 60, perplexity: 5}]\n"))
        let outcome = try RunexpBinary.run(["tiny.yaml", "--out", "run"], in: scratch.url)
        try #require(outcome.status == 0, "\(outcome.stderr)")
        return scratch
    }

    func array(_ scratch: Scratch, _ name: String) throws -> NumericArray {
        try NPY.read(path: scratch.path(name))
    }

    @Test func encodingTheRunsOwnImagesGivesTheCodesTheRunWrote() throws {
        let scratch = try finishedRun()
        let outcome = try RunexpBinary.run(
            ["apply", "run", "encode", Self.sample, "--out", "codes.npy"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let codes = try array(scratch, "codes.npy")
        #expect(codes.shape == [60, 4])
        #expect(codes == (try array(scratch, "run/arrays/codes_train.npy")))
    }

    @Test func reconstructingIsDecodingTheEncodedImages() throws {
        let scratch = try finishedRun()
        for arguments in [
            ["encode", Self.sample, "--out", "codes.npy"], ["decode", "codes.npy", "--out", "decoded.npy"],
            ["reconstruct", Self.sample, "--out", "reconstructed.npy"],
        ] {
            let outcome = try RunexpBinary.run(["apply", "run"] + arguments, in: scratch.url)
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
        let reconstructed = try array(scratch, "reconstructed.npy")
        #expect(reconstructed.shape == [60, 784])
        #expect(reconstructed == (try array(scratch, "decoded.npy")))
    }

    @Test func aSampleTooLargeForAPictureIsRefusedBeforeAnyIsDrawn() throws {
        let scratch = try finishedRun()
        let started = Date()
        let outcome = try RunexpBinary.run(["apply", "run", "sample", "1000000", "--out", "big.png"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("write them to an .npy file (--out big.npy)"), "\(outcome.stderr)")
        // Refused up front: a million draws decoded would take a minute and gigabytes.
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("big.png")))
    }

    @Test func samplingDecodesDrawsOfThePriorIntoAPictureOrAnArray() throws {
        let scratch = try finishedRun()
        let picture = try RunexpBinary.run(["apply", "run", "sample", "12", "--out", "s.png"], in: scratch.url)
        #expect(picture.status == 0, "\(picture.stderr)")
        let png = try Data(contentsOf: scratch.url.appendingPathComponent("s.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let values = try RunexpBinary.run(["apply", "run", "sample", "12", "--out", "s.npy"], in: scratch.url)
        #expect(values.status == 0, "\(values.stderr)")
        #expect(try array(scratch, "s.npy").shape == [12, 784])
    }

    @Test func codesAsAPictureOrCodesOfTheWrongWidthAreRefusedSayingWhy() throws {
        let scratch = try finishedRun()
        let picture = try RunexpBinary.run(["apply", "run", "encode", Self.sample, "--out", "c.png"], in: scratch.url)
        #expect(picture.status == 2)
        #expect(picture.stderr.contains("codes are not images; write them to an .npy file"), "\(picture.stderr)")
        let wide = try RunexpBinary.run(["apply", "run", "decode", Self.sample, "--out", "d.npy"], in: scratch.url)
        #expect(wide.status == 2)
        #expect(
            wide.stderr.contains("codes of shape [60, 784], but 'decoder' reads rows of 4 values"), "\(wide.stderr)")
    }
}
