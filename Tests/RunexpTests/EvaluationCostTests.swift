import Foundation
import Testing

@testable import Runner

/// Evaluation costs less than training (issue 31, item 4): a split is passed forward once where
/// once suffices, the default measures the test split once, on the parameters the run keeps, and
/// `check` says what evaluation will cost.
struct EvaluationCostTests {
    /// A tiny VAE on the assignment's pickled sample: 60 training, 20 validation and 20 test images.
    /// `sigmoid`: the decoder ends in a sigmoid (images, for `mse`) rather than logits.
    static func vae(loss: String? = nil, sigmoid: Bool = false, epochs: Int = 3) -> String {
        let pickle = DataCommandTests.shared.appendingPathComponent("homework/MNIST_M_sample_p3.npy").path
        let elbo =
            "2352 * bce_logits(decoder(sample_normal(encoder(x).mu, encoder(x).logvar)), x)"
            + " + kl_normal(encoder(x).mu, encoder(x).logvar)"
        return """
            name: tiny_vae
            seed: 1
            data: {source: {homework: \(pickle)}, shape: [2352]}
            prior: {normal: {dim: 2}}
            networks:
              encoder:
                layers: [dense: 8, relu, dense: 4]
                outputs: {mu: 2, logvar: 2}
              decoder:
                layers: [dense: 8, relu, dense: 2352\(sigmoid ? ", sigmoid" : "")]
            phases:
              - name: elbo
                loss: "\(loss ?? elbo)"
                update: [encoder, decoder]
            train: {epochs: \(epochs), batch_size: 8}

            """
    }

    /// Runs `spec` in a fresh folder: its metrics.jsonl records (step records left out) and run.json.
    func run(_ spec: String) throws -> (records: [[String: Any]], facts: [String: Any], check: String) {
        let scratch = try Scratch()
        try scratch.write("v.yaml", spec)
        let check = try RunexpBinary.run(["check", "v.yaml"], in: scratch.url)
        #expect(check.status == 0, "\(check.stderr)")
        let outcome = try RunexpBinary.run(["v.yaml", "--out", "run"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let folder = scratch.url.appendingPathComponent("run")
        let records = try String(contentsOf: folder.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n").compactMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            .filter { $0["kind"] as? String != "step" }
        let facts = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("run.json")))
                as? [String: Any])
        return (records, facts, check.stdout)
    }

    @Test func aVAEPassesEachMeasuredImageForwardOnceForItsLossAndItsMSEAsCheckSays() throws {
        let (records, facts, check) = try run(Self.vae())
        // 20 validation images after each of 3 epochs, then 60 training and 20 test images once:
        // 140 images, each passed forward once for both measures (two passes would be 280).
        #expect(facts["evaluation_passes"] as? Int == 140, "\(facts)")
        #expect(check.contains("about 140 forward passes over 3 epochs (one per image)"), "\(check)")
        let epochs = records.filter { $0["kind"] as? String == "epoch" }
        #expect(epochs.count == 3)
        #expect(epochs.allSatisfy { $0["validation_loss"] is Double && $0["validation_mse"] is Double })
    }

    @Test func theMSEIsOfThePosteriorDrawTheLossWasMeasuredOn() throws {
        // A draw of noise comes before the reconstruction's own: a reconstruction passed forward
        // apart from the loss would start the evaluation stream afresh and draw other codes. The
        // loss is the reconstruction's MSE plus 0 × a term, so one draw gives one number.
        let loss =
            "0 * kl_normal(noise(encoder(x).mu, 1), encoder(x).logvar)"
            + " + mse(decoder(sample_normal(encoder(x).mu, encoder(x).logvar)), x)"
        let (records, _, _) = try run(Self.vae(loss: loss, sigmoid: true, epochs: 2))
        #expect(records.count == 3)
        for record in records {
            for split in ["train", "validation", "test"] where record["\(split)_mse"] != nil {
                let mse = try #require(record["\(split)_mse"] as? Double)
                #expect(record["\(split)_loss"] as? Double == mse, "\(record)")
            }
        }
    }

    @Test func byDefaultEachEpochMeasuresTheValidationSplitAndTheTestSplitIsMeasuredOnceAtTheEnd() throws {
        let (records, _, check) = try run(Self.vae())
        let epochs = records.filter { $0["kind"] as? String == "epoch" }
        #expect(epochs.allSatisfy { $0["validation_loss"] is Double && $0["test_loss"] == nil })
        let final = try #require(records.first { $0["kind"] as? String == "final" })
        #expect(final["test_loss"] is Double && final["test_mse"] is Double && final["train_loss"] is Double)
        #expect(
            check.contains(
                "evaluation: MSE, loss of validation (20 images) after every epoch; train (60 images) and "
                    + "test (20 images) once after training"), "\(check)")
    }

    @Test func checkSaysWhatACommittedExperimentsEvaluationWillCost() throws {
        let outcome = try RunexpBinary.run(["check", "experiments/vae_mlp.yaml"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // 500 validation images after each of 20 epochs, 4,500 training and 10,000 test images once.
        #expect(
            outcome.stdout.contains(
                "evaluation: MSE, loss of validation (500 images) after every epoch; train (4,500 images) and "
                    + "test (10,000 images) once after training\n"
                    + "  about 24,500 forward passes over 20 epochs (one per image), ≈11% of the training steps' "
                    + "arithmetic (counted from the layers' FLOPs, not timed)"), "\(outcome.stdout)")
    }

    @Test func theDefaultPolicyKeepsEveryCommittedExperimentsEvaluationUnderAQuarterOfItsTraining() throws {
        let folder = RunexpBinary.packageRoot.appendingPathComponent("experiments")
        let specs = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(specs.count >= 8)
        for name in specs.sorted() {
            let path = folder.appendingPathComponent(name).path
            let checked = SpecCheck.readingData(try SpecCheck.run(path: path).get(), specFolder: folder.path)
            let data = try #require(checked.data, "\(name): its data was not read")
            let plan = EvaluationPlan(checked.spec, model: checked.model, available: data.available)
            let sizes = Dictionary(
                uniqueKeysWithValues: data.available.compactMap { split in
                    data.split(split).map { (split, $0.count) }
                })
            let estimate = try #require(plan.estimate(sizes: sizes), "\(name): no estimate")
            #expect(estimate.share < 0.25, "\(name): evaluation is \(estimate.share) of training")
        }
    }
}
