import Foundation
import Testing

/// Each output of a run stands on its own: one that fails is reported and the others, the report
/// and the checkpoint are still written; a plot whose labels are long makes room for them.
struct OutputIndependenceTests {
    /// The conditional VAE a new user wrote: its loss terms are long expressions, which the terms
    /// plot's legend once had no room for (the run failed after training, with no report at all).
    static let conditionalVAE = """
        name: conditional_vae
        data: {source: {npy: d.npy, labels: l.npy}, shape: [784]}
        prior: {normal: {dim: 4}}
        networks:
          encoder: {layers: [dense: 16, relu, dense: 8], outputs: {mu: 4, logvar: 4}}
          decoder: {layers: [dense: 16, relu, dense: 784]}
        phases:
          - name: elbo
            loss: >-
              784 * bce_logits(decoder(concat(sample_normal(encoder(concat(x, onehot(y, classes: 10))).mu,
              encoder(concat(x, onehot(y, classes: 10))).logvar), onehot(y, classes: 10))), x)
              + kl_normal(encoder(concat(x, onehot(y, classes: 10))).mu,
              encoder(concat(x, onehot(y, classes: 10))).logvar)
            update: [encoder, decoder]
        train: {epochs: 1, batch_size: 50}
        outputs: [curves, reconstructions: {count: 4}]
        """

    static let plain = """
        name: plain
        data: {source: {npy: d.npy, labels: l.npy}, shape: [784]}
        networks:
          encoder: {layers: [dense: 16, relu, dense: 4]}
          decoder: {layers: [dense: 16, relu, dense: 784, sigmoid]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
        train: {epochs: 1, batch_size: 50}
        outputs: [curves, reconstructions: {count: 4}, tsne: {points: 100, perplexity: 5}]
        """

    func run(_ spec: String, environment: [String: String?] = [:]) throws -> (Scratch, RunexpBinary.Outcome) {
        let scratch = try Scratch()
        try scratch.writeImages(count: 200)
        try scratch.write("spec.yaml", spec)
        let outcome = try RunexpBinary.run(["spec.yaml", "--out", "out"], in: scratch.url, environment: environment)
        return (scratch, outcome)
    }

    static func runFacts(_ scratch: Scratch) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: scratch.path("out/run.json")))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func aLossOfLongTermsStillGetsItsTermsPlotAndReport() throws {
        let (scratch, outcome) = try run(Self.conditionalVAE)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(FileManager.default.fileExists(atPath: scratch.path("out/plots/terms.png")))
        let page = try String(contentsOfFile: scratch.path("out/report.html"), encoding: .utf8)
        #expect(page.contains("plots/terms.png") || page.contains("terms of the losses"))
        #expect(try Self.runFacts(scratch)["status"] as? String == "complete")
    }

    @Test func anOutputThatFailsLeavesTheOthersTheReportAndTheCheckpoint() throws {
        let (scratch, outcome) = try run(Self.plain, environment: ["RUNEXP_FAIL_OUTPUTS": "reconstructions"])
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("the reconstructions output was not written"))
        for written in [
            "plots/curves.png", "plots/tsne.png", "report.html", "metrics.json",
            "checkpoint/parameters.safetensors",
        ] {
            #expect(FileManager.default.fileExists(atPath: scratch.path("out/\(written)")), "\(written)")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out/images/reconstructions.png")))
        let facts = try Self.runFacts(scratch)
        let failed = try #require(facts["failed_outputs"] as? [[String: Any]])
        #expect(failed.map { $0["output"] as? String } == ["reconstructions"])
        #expect((failed.first?["place"] as? String)?.hasPrefix("spec.yaml:") == true)
        let page = try String(contentsOfFile: scratch.path("out/report.html"), encoding: .utf8)
        #expect(page.contains("Not written:"))
    }

    @Test func aFailedCodesOutputStillLeavesTheCurvesAndMetrics() throws {
        let (scratch, outcome) = try run(Self.plain, environment: ["RUNEXP_FAIL_OUTPUTS": "tsne"])
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(FileManager.default.fileExists(atPath: scratch.path("out/images/reconstructions.png")))
        #expect(FileManager.default.fileExists(atPath: scratch.path("out/metrics.json")))
        let failed = try #require(try Self.runFacts(scratch)["failed_outputs"] as? [[String: Any]])
        #expect(failed.map { $0["output"] as? String } == ["tsne"])
    }
}
