import Data
import Foundation
import Testing

/// A conditional VAE as the new user of issue 30 (item 11) wrote it, its encoder reading
/// `concat(x, onehot(y))` and its decoder `concat(z, onehot(y))`: its codes, t-SNE map and samples,
/// and `runexp apply` with the labels those networks read.
struct ConditionalModelTests {
    /// 100 labelled random images, all trained on (no hold-out), so the run writes the codes of
    /// every one of them in file order.
    static let spec = """
        name: conditional_vae
        data: {source: {npy: d.npy, labels: l.npy}, shape: [784], validation: 0}
        prior: {normal: {dim: 4}}
        networks:
          encoder: {layers: [dense: 16, relu, dense: 8], outputs: {mu: 4, logvar: 4}}
          decoder: {layers: [dense: 16, relu, dense: 784]}
        phases:
          - name: elbo
            loss: >-
              784 * bce_logits(decoder(concat(sample_normal(encoder(concat(x, onehot(y))).mu,
              encoder(concat(x, onehot(y))).logvar), onehot(y))), x)
              + kl_normal(encoder(concat(x, onehot(y))).mu, encoder(concat(x, onehot(y))).logvar)
            update: [encoder, decoder]
        train: {epochs: 1, batch_size: 50}
        outputs: [reconstructions: {count: 4}, tsne: {points: 60, perplexity: 5}, latent: {samples: 20}]
        """

    /// The spec written, with its data, into a fresh scratch folder.
    static func prepared() throws -> Scratch {
        let scratch = try Scratch()
        try scratch.writeImages(count: 100)
        try scratch.write("cvae.yaml", spec)
        return scratch
    }

    /// One finished run in `run/`, shared by the tests that read it.
    static let finished: Result<Scratch, RunexpFailure> = {
        do {
            let scratch = try prepared()
            let outcome = try RunexpBinary.run(["cvae.yaml", "--out", "run"], in: scratch.url)
            return outcome.status == 0 ? .success(scratch) : .failure(RunexpFailure(outcome.stderr))
        } catch {
            return .failure(RunexpFailure("\(error)"))
        }
    }()

    struct RunexpFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    func array(_ scratch: Scratch, _ name: String) throws -> NumericArray {
        try NPY.read(path: scratch.path(name))
    }

    @Test func checkPassesAConditionalEncoderForTheTSNEAndLatentOutputs() throws {
        let scratch = try Self.prepared()
        let outcome = try RunexpBinary.run(["check", "cvae.yaml"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("must read the images"), "\(outcome.stderr)")
    }

    @Test func theRunWritesTheCodesTheTSNEMapAndSamplesUnderEveryClass() throws {
        let scratch = try Self.finished.get()
        for file in [
            "arrays/codes_train.npy", "arrays/tsne.npy", "plots/tsne.png", "images/samples.png",
            "images/conditional.png", "images/reconstructions.png",
        ] {
            #expect(FileManager.default.fileExists(atPath: scratch.path("run/\(file)")), "\(file)")
        }
        #expect(try array(scratch, "run/arrays/codes_train.npy").shape == [100, 4])
        // 20 samples under 10 classes: two prior draws, each decoded as every class.
        let report = try String(contentsOfFile: scratch.path("run/report.html"), encoding: .utf8)
        #expect(report.contains("2 prior samples (rows), each decoded by &#39;decoder&#39; under the classes 0…9"))
    }

    @Test func theRunsCodesAreTheEncoderOfEachImageBesideItsLabel() throws {
        let scratch = try Self.finished.get()
        let given = try RunexpBinary.run(
            ["apply", "run", "encode", "d.npy", "--labels", "l.npy", "--out", "codes.npy"], in: scratch.url)
        #expect(given.status == 0, "\(given.stderr)")
        #expect(try array(scratch, "codes.npy") == (try array(scratch, "run/arrays/codes_train.npy")))
        // The labels are read: one class for every image gives other codes.
        let zeros = try RunexpBinary.run(
            ["apply", "run", "encode", "d.npy", "--label", "0", "--out", "zeros.npy"], in: scratch.url)
        #expect(zeros.status == 0, "\(zeros.stderr)")
        #expect(try array(scratch, "zeros.npy") != (try array(scratch, "codes.npy")))
    }

    @Test func reconstructingDecodesEachCodeBesideItsImagesLabel() throws {
        let scratch = try Self.finished.get()
        for arguments in [
            ["encode", "d.npy", "--out", "codes.npy"], ["decode", "codes.npy", "--out", "decoded.npy"],
            ["reconstruct", "d.npy", "--out", "reconstructed.npy"],
        ] {
            let outcome = try RunexpBinary.run(["apply", "run"] + arguments + ["--labels", "l.npy"], in: scratch.url)
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
        #expect(try array(scratch, "reconstructed.npy").shape == [100, 784])
        #expect(try array(scratch, "reconstructed.npy") == (try array(scratch, "decoded.npy")))
    }

    @Test func samplesAreDrawnUnderTheGivenClass() throws {
        let scratch = try Self.finished.get()
        for label in ["3", "7"] {
            let outcome = try RunexpBinary.run(
                ["apply", "run", "sample", "5", "--label", label, "--out", "s\(label).npy"], in: scratch.url)
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
        #expect(try array(scratch, "s3.npy").shape == [5, 784])
        #expect(try array(scratch, "s3.npy") != (try array(scratch, "s7.npy")))
    }

    @Test func applyWithoutLabelsIsRefusedSayingHowToGiveThem() throws {
        let scratch = try Self.finished.get()
        for arguments in [["encode", "d.npy", "--out", "c.npy"], ["sample", "5", "--out", "s.png"]] {
            let outcome = try RunexpBinary.run(["apply", "run"] + arguments, in: scratch.url)
            #expect(outcome.status == 2)
            #expect(outcome.stderr.contains("reads a class label beside each input"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("--labels FILE.npy"), "\(outcome.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path("c.npy")))
    }

    @Test func labelsThatAreNoClassOfTheModelAreRefused() throws {
        let scratch = try Self.finished.get()
        let outside = try RunexpBinary.run(
            ["apply", "run", "sample", "5", "--label", "12", "--out", "s.npy"], in: scratch.url)
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("'decoder' reads one-hot labels of 10 classes (0 to 9)"), "\(outside.stderr)")
        try NPY.write(try NumericArray(shape: [3], elements: [UInt8(1), 2, 3]), to: scratch.path("three.npy"))
        let short = try RunexpBinary.run(
            ["apply", "run", "encode", "d.npy", "--labels", "three.npy", "--out", "c.npy"], in: scratch.url)
        #expect(short.status == 2)
        #expect(short.stderr.contains("3 labels for the 100 images"), "\(short.stderr)")
    }

    @Test func labelsForAModelThatReadsNoneAreRefused() throws {
        let scratch = try ApplyCommandTests().finishedRun()
        let outcome = try RunexpBinary.run(
            ["apply", "run", "sample", "5", "--label", "1", "--out", "s.npy"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains("--label 1: 'decoder' reads no labels (no loss gives it onehot(y))"),
            "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("s.npy")))
    }
}
