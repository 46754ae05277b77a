import Foundation
import Kernels
import Testing

/// `runexp SPEC` end to end on a tiny spec, run as a user runs it.
struct RunCommandTests {
    static let spec = """
        name: tiny_ae
        data: {source: mnist, shape: [784], train_limit: 300}
        networks:
          encoder: {layers: [dense: 16, relu, dense: 4]}
          decoder: {layers: [dense: 16, relu, dense: 784, sigmoid]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
        train: {epochs: 2, batch_size: 50, log_every: 2}
        outputs: [curves, reconstructions: {count: 6}]
        """

    /// A fresh folder holding `tiny.yaml`: the tiny spec, or `base`, with `extra` appended.
    static func workspace(_ extra: String = "", base: String = spec) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("runexp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try (base + "\n" + extra).write(
            to: folder.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
        return folder
    }

    func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    }

    /// Width and height from a PNG's IHDR chunk.
    func pngSize(_ url: URL) throws -> (Int, Int) {
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        func word(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (word(16), word(20))
    }

    @Test func aRunWritesEveryFileOfTheResultDirectory() throws {
        let folder = try Self.workspace()
        let outcome = try RunexpBinary.run(["tiny.yaml", "--out", "out"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let out = folder.appendingPathComponent("out")
        for name in [
            "spec.yaml", "resolved.yaml", "run.json", "metrics.jsonl", "metrics.json", "report.html",
            "images/reconstructions.png", "plots/curves.png", "plots/curves.svg", "plots/mse.png",
        ] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
        let run = try json(out.appendingPathComponent("run.json"))
        #expect(run["status"] as? String == "complete")
        #expect(run["seed"] as? Int == 0)
        #expect((run["spec_digest"] as? String)?.count == 16)
        #expect((run["code_digest"] as? String)?.count == 16)
        #expect(run["steps"] as? Int == 12)  // 270 training images (30 held out) in 6 batches of ≤ 50, twice
        let metrics = try json(out.appendingPathComponent("metrics.json"))
        for key in ["train_mse", "validation_mse", "test_mse", "parameter_digest", "loss.reconstruction"] {
            #expect(metrics[key] != nil, "metrics.json lacks \(key)")
        }
        let lines = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.filter { $0.contains("\"kind\":\"epoch\"") }.count == 2)
        #expect(lines.filter { $0.contains("\"kind\":\"step\"") }.count == 6)
        // 6 images of 28 px scaled 4× with 2 px gaps, under a label column: two rows of 112 px.
        let (width, height) = try pngSize(out.appendingPathComponent("images/reconstructions.png"))
        #expect(height >= 2 * 112 && height < 2 * 112 + 20)
        #expect(width > 6 * 112)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("data:image/png;base64,"))
        #expect(!html.contains("https://") && !html.contains("http://"))
    }

    @Test func moreReconstructionsThanABatchHoldAreAllDrawn() throws {
        // The batch holds 50 images; the evaluation program runs 60 in two batches.
        let folder = try Self.workspace()
        let wider = "outputs.1={reconstructions: {count: 60}}"
        let outcome = try RunexpBinary.run(
            ["tiny.yaml", "--out", "out", "--set", "train.epochs=1", "--set", wider], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let (width, _) = try pngSize(folder.appendingPathComponent("out/images/reconstructions.png"))
        #expect(width > 60 * 112)
    }

    @Test func twoCurvesOutputsWriteTwoPlotsAndTheReportShowsEachOnce() throws {
        let folder = try Self.workspace()
        let outcome = try RunexpBinary.run(
            [
                "tiny.yaml", "--out", "out", "--set", "train.epochs=1", "--set",
                "outputs=[curves, curves: [reconstruction]]",
            ],
            in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let out = folder.appendingPathComponent("out")
        for name in ["plots/curves.png", "plots/curves-2.png", "plots/epoch_losses.png", "plots/epoch_losses-2.png"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.components(separatedBy: "Each phase&#39;s loss over training").count == 2)
        #expect(html.components(separatedBy: "reconstruction: loss over training").count == 2)
        #expect(html.components(separatedBy: "Reconstruction MSE of each split").count == 2)
    }

    @Test func aReaderThatGoesAwayDoesNotStopTheRun() throws {
        // `runexp SPEC 2>&1 | head -1`: the pipe's reader is gone before the run's first line.
        let folder = try Self.workspace()
        let process = Process()
        process.executableURL = RunexpBinary.executable
        process.arguments = ["tiny.yaml", "--out", "out", "--set", "train.epochs=1"]
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try pipe.fileHandleForReading.close()
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let run = try json(folder.appendingPathComponent("out/run.json"))
        #expect(run["status"] as? String == "complete")
    }

    @Test func theSameSeedGivesIdenticalMetricsAndImages() throws {
        let folder = try Self.workspace()
        for out in ["a", "b"] {
            #expect(try RunexpBinary.run(["tiny.yaml", "--out", out, "--seed", "3"], in: folder).status == 0)
        }
        for name in ["metrics.json", "metrics.jsonl", "images/reconstructions.png", "plots/curves.svg"] {
            let a = try Data(contentsOf: folder.appendingPathComponent("a/\(name)"))
            let b = try Data(contentsOf: folder.appendingPathComponent("b/\(name)"))
            #expect(a == b, "\(name) differs between two runs of the same seed")
        }
        #expect(try RunexpBinary.run(["tiny.yaml", "--out", "c", "--seed", "4"], in: folder).status == 0)
        let a = try Data(contentsOf: folder.appendingPathComponent("a/metrics.json"))
        let c = try Data(contentsOf: folder.appendingPathComponent("c/metrics.json"))
        #expect(a != c)
    }

    @Test func aSecondRunBesideTheFirstGetsANewFolder() throws {
        let folder = try Self.workspace()
        #expect(try RunexpBinary.run(["tiny.yaml", "--set", "train.epochs=1"], in: folder).status == 0)
        #expect(try RunexpBinary.run(["tiny.yaml", "--set", "train.epochs=1"], in: folder).status == 0)
        let results = folder.appendingPathComponent("results/tiny_ae")
        let names = try FileManager.default.contentsOfDirectory(atPath: results.path).sorted()
        #expect(names == ["seed-0", "seed-0-2"])
    }

    @Test func aMissedExpectationExitsOneAndSaysWhich() throws {
        let folder = try Self.workspace("expect: {test_mse: {max: 0.0001}}")
        let outcome = try RunexpBinary.run(["tiny.yaml", "--out", "out", "--set", "train.epochs=1"], in: folder)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("expectation missed: test_mse ="))
        #expect(outcome.stderr.contains("above the maximum 0.0001 (tiny.yaml:10:10)"))
    }

    @Test func aShortRunWithLogEveryAutoRecordsEveryStep() throws {
        let folder = try Self.workspace()
        let outcome = try RunexpBinary.run(
            ["tiny.yaml", "--out", "out", "--set", "train.log_every=auto", "--set", "outputs=[curves]"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = try String(contentsOf: folder.appendingPathComponent("out/metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        // 12 steps in all, far fewer than 200: one record per step, so the curve has every step.
        #expect(lines.filter { $0.contains("\"kind\":\"step\"") }.count == 12)
    }

    @Test func aRunMakesBLASWorkersSleepBetweenProductsUnlessTheUserSaysOtherwise() throws {
        let folder = try Self.workspace()
        let quick = ["tiny.yaml", "--set", "train.epochs=1", "--set", "outputs=[]", "--force"]
        let ours = try RunexpBinary.run(
            quick + ["--out", "ours"], in: folder, environment: ["OPENBLAS_THREAD_TIMEOUT": nil])
        #expect(ours.status == 0, "\(ours.stderr)")
        let run = try json(folder.appendingPathComponent("ours/run.json"))
        #expect(run["blas_thread_timeout"] as? Int == blasWorkerPollExponent)
        #expect((run["blas"] as? String)?.hasPrefix("OpenBLAS") == true)
        let theirs = try RunexpBinary.run(
            quick + ["--out", "theirs"], in: folder, environment: ["OPENBLAS_THREAD_TIMEOUT": "20"])
        #expect(theirs.status == 0, "\(theirs.stderr)")
        #expect(try json(folder.appendingPathComponent("theirs/run.json"))["blas_thread_timeout"] as? Int == 20)
    }

    @Test func aDivergingLossFailsTheRunNamingThePhaseAndStep() throws {
        let folder = try Self.workspace()
        let outcome = try RunexpBinary.run(
            [
                "tiny.yaml", "--out", "out", "--set", "networks.decoder.layers=[dense: 16, relu, dense: 784]",
                "--set", "phases.reconstruction.loss=sse(decoder(encoder(x)), x)",
                "--set", "phases.reconstruction.optimizer={sgd: {lr: 1000}}",
            ], in: folder)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("failed: the loss of phase 'reconstruction' became"))
        let run = try json(folder.appendingPathComponent("out/run.json"))
        #expect((run["status"] as? String)?.hasPrefix("failed: the loss of phase 'reconstruction'") == true)
    }

    @Test func missingDataFilesAreBadInput() throws {
        let folder = try Self.workspace()
        let outcome = try RunexpBinary.run(
            ["tiny.yaml", "--set", "data.source={npy: nowhere.npy}", "--set", "data.train_limit=10"], in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("nowhere.npy"))
    }
}
