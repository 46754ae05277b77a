import Data
import Foundation
import Testing

/// A tiny adversarial autoencoder trained by the built binary, shared by the tests below: two runs
/// of one spec and seed into temporary folders, made once.
enum TinyAAE {
    /// Embedded MNIST cut to 300 training digits, 2-D normal prior, small dense networks, 1 epoch.
    static let spec = """
        name: tiny_aae
        seed: 3
        data: {source: mnist, shape: [784], train_limit: 300}
        prior: {normal: {dim: 2}}
        networks:
          encoder:
            input: [784]
            layers: [dense: 32, relu, dense: 2]
          decoder:
            layers: [dense: 32, relu, dense: 784, sigmoid]
          discriminator:
            layers: [dense: 16, relu, dense: 1]
        phases:
          - name: reconstruction
            loss: mse(decoder(encoder(x)), x)
            update: [encoder, decoder]
            optimizer: {adam: {lr: 1.0e-3}}
          - name: discriminator
            loss: bce_logits(discriminator(z), 1) + bce_logits(discriminator(encoder(x)), 0)
            update: [discriminator]
            optimizer: {adam: {lr: 1.0e-4}}
          - name: generator
            loss: bce_logits(discriminator(encoder(x)), 1)
            update: [encoder]
            optimizer: {adam: {lr: 1.0e-4}}
        train: {epochs: 1, batch_size: 50}
        outputs:
          - curves
          - reconstructions
          - tsne: {points: 200, perplexity: 10}
          - latent: {samples: 16, interpolations: 2, steps: 5}
        expect:
          codes_knn_accuracy: {min: 0}
          tsne_knn_accuracy: {min: 0}

        """

    /// What one run left behind.
    struct Run: Sendable {
        var status: Int32
        var stderr: String
        var folder: URL
    }

    /// One scratch folder per checkout, named by a hash of its path: repeated test runs overwrite
    /// their results (`--force`) instead of piling up, and two checkouts never share one.
    static let scratch: URL = {
        let hash = RunexpBinary.packageRoot.path.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) {
            ($0 ^ UInt64($1)) &* 0x100_0000_01b3
        }
        return FileManager.default.temporaryDirectory.appendingPathComponent(
            "runexp-latent-tests-\(String(hash, radix: 16))")
    }()

    /// Writes `text` as a spec in the scratch folder and runs it into `out`.
    static func run(_ text: String, name: String, out: String) -> Run {
        let folder = scratch.appendingPathComponent(out)
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let specFile = scratch.appendingPathComponent(name)
            try Data(text.utf8).write(to: specFile)
            let outcome = try RunexpBinary.run([specFile.path, "--out", folder.path, "--force"])
            return Run(status: outcome.status, stderr: outcome.stderr, folder: folder)
        } catch {
            return Run(status: -1, stderr: "could not run runexp: \(error)", folder: folder)
        }
    }

    static let first = run(spec, name: "tiny.yaml", out: "first")
    static let second = run(spec, name: "tiny-again.yaml", out: "second")

    /// The bytes of `name` in `run`'s folder (empty when missing).
    static func bytes(_ run: Run, _ name: String) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: run.folder.appendingPathComponent(name)))) ?? []
    }

    /// A PNG's width and height from its IHDR chunk, or nil for a file that is not a PNG.
    static func pngSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count > 24, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            return nil
        }
        func word(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (word(16), word(20))
    }
}

/// The codes, t-SNE and latent-exploration outputs of an adversarial autoencoder run.
struct LatentOutputsTests {
    @Test func everyOutputFileIsWritten() throws {
        let run = TinyAAE.first
        #expect(run.status == 0, "\(run.stderr)")
        let files = [
            "metrics.json", "report.html", "arrays/codes_train.npy", "arrays/labels_train.npy",
            "arrays/codes_validation.npy",
            "arrays/codes_test.npy", "arrays/labels_test.npy", "arrays/tsne.npy",
            "arrays/tsne_labels.npy", "plots/tsne.png", "plots/tsne.svg", "plots/curves.png",
            "images/reconstructions.png", "images/samples.png", "images/interpolations.png", "images/walks.png",
            "images/manifold.png",
        ]
        for file in files {
            #expect(!TinyAAE.bytes(run, file).isEmpty, "\(file) is missing or empty")
        }
        let report = String(decoding: TinyAAE.bytes(run, "report.html"), as: UTF8.self)
        #expect(report.contains("t-SNE map"))
        #expect(report.contains("samples from the prior"))
        #expect(!report.contains("is not produced by runexp"))
    }

    @Test func codesAndMapHaveTheirShapes() throws {
        let run = TinyAAE.first
        let codes = try NPY.read(path: run.folder.appendingPathComponent("arrays/codes_test.npy").path)
        #expect(codes.shape == [10_000, 2])  // every embedded MNIST test digit, 2-D codes
        #expect(codes.dtype == .float32)
        let labels = try NPY.read(path: run.folder.appendingPathComponent("arrays/labels_test.npy").path)
        #expect(labels.shape == [10_000])
        #expect(labels.dtype == .uint8)
        // The training codes too, which the assignment's t-SNE maps: train_limit 300, less 10% held out.
        let train = try NPY.read(path: run.folder.appendingPathComponent("arrays/codes_train.npy").path)
        #expect(train.shape == [270, 2])
        let map = try NPY.read(path: run.folder.appendingPathComponent("arrays/tsne.npy").path)
        #expect(map.shape == [200, 2])
        #expect(map.dtype == .float32)
        let finite = map.floats().allSatisfy { $0.isFinite }
        #expect(finite)
        let mapLabels = try NPY.read(path: run.folder.appendingPathComponent("arrays/tsne_labels.npy").path)
        #expect(mapLabels.shape == [200])
    }

    @Test func gridsHavePlausibleSizes() throws {
        let run = TinyAAE.first
        // 16 samples tile 4×4; a 28-pixel digit at scale 3 takes 84 pixels, plus 2-pixel gaps.
        let samples = try #require(TinyAAE.pngSize(TinyAAE.bytes(run, "images/samples.png")))
        #expect(samples.width == 4 * 84 + 5 * 2 && samples.height == samples.width)
        // Two rows of 5 decodings between the two originals, with a label column at the left.
        let lerp = try #require(TinyAAE.pngSize(TinyAAE.bytes(run, "images/interpolations.png")))
        #expect(lerp.width > 7 * 84 && lerp.width < 7 * 84 + 200)
        #expect(lerp.height == 2 * 84 + 3 * 2)
        // A 2-D latent has two principal directions to walk.
        let walks = try #require(TinyAAE.pngSize(TinyAAE.bytes(run, "images/walks.png")))
        #expect(walks.height == 2 * 84 + 3 * 2)
        let manifold = try #require(TinyAAE.pngSize(TinyAAE.bytes(run, "images/manifold.png")))
        #expect(manifold.width == 16 * 56 + 17 * 2 && manifold.height == manifold.width)
        let map = try #require(TinyAAE.pngSize(TinyAAE.bytes(run, "plots/tsne.png")))
        #expect(map.width >= 400 && map.height >= 300)
    }

    @Test func summaryMetricsIncludeTheCodesAndTheMap() throws {
        let run = TinyAAE.first
        let object = try JSONSerialization.jsonObject(with: Data(TinyAAE.bytes(run, "metrics.json")))
        let metrics = try #require(object as? [String: Any])
        for key in ["codes_knn_accuracy", "tsne_knn_accuracy"] {
            let value = try #require(metrics[key] as? Double, "\(key) is missing")
            #expect(value >= 0 && value <= 1)
        }
        for key in ["codes_mean_distance", "codes_cov_distance", "codes_frechet_distance"] {
            let value = try #require(metrics[key] as? Double, "\(key) is missing")
            #expect(value >= 0 && value.isFinite)
        }
    }

    @Test func sameSeedGivesIdenticalFiles() throws {
        let first = TinyAAE.first, second = TinyAAE.second
        #expect(second.status == 0, "\(second.stderr)")
        let files = [
            "metrics.json", "arrays/tsne.npy", "arrays/codes_test.npy", "arrays/codes_train.npy", "images/samples.png",
            "images/interpolations.png", "images/walks.png", "images/manifold.png",
        ]
        for file in files {
            let a = TinyAAE.bytes(first, file)
            #expect(!a.isEmpty && a == TinyAAE.bytes(second, file), "\(file) differs between two runs of one seed")
        }
    }

    @Test func tooFewPointsForThePerplexityIsAClearError() throws {
        let spec = TinyAAE.spec.replacingOccurrences(
            of: "tsne: {points: 200, perplexity: 10}", with: "tsne: {points: 20, perplexity: 10}")
        let run = TinyAAE.run(spec, name: "few.yaml", out: "few")
        #expect(run.status == 2, "refused before training")
        #expect(run.stderr.contains("needs more than 30 points, but outputs.tsne.points is 20"), "\(run.stderr)")
        #expect(run.stderr.contains("few.yaml:"), "the error names the output's place in the spec")
    }

    @Test func plainAutoencoderWithoutPriorSkipsOnlyTheSamples() throws {
        // No prior and no adversarial phases: codes, interpolations and walks still make sense.
        var lines = TinyAAE.spec.components(separatedBy: "\n")
        let phases = try #require(lines.firstIndex { $0.contains("- name: discriminator") })
        lines.removeSubrange(phases..<(phases + 8))
        lines.removeAll { $0.hasPrefix("prior:") || $0.contains("discriminator:") || $0.contains("dense: 16") }
        let run = TinyAAE.run(lines.joined(separator: "\n"), name: "plain.yaml", out: "plain")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("latent decodes samples of the prior, but the spec has none"))
        #expect(TinyAAE.bytes(run, "images/samples.png").isEmpty)
        for file in ["arrays/codes_test.npy", "images/interpolations.png", "images/walks.png", "plots/tsne.png"] {
            #expect(!TinyAAE.bytes(run, file).isEmpty, "\(file) is missing")
        }
        let metrics = String(decoding: TinyAAE.bytes(run, "metrics.json"), as: UTF8.self)
        #expect(metrics.contains("codes_knn_accuracy"))
        #expect(!metrics.contains("codes_mean_distance"), "no normal prior to compare the codes with")
    }
}
