import Foundation
import Testing

@testable import Runner

/// The autoencoder family end to end, as a user runs it: a VAE, a conditional decoder, phases that
/// repeat or skip batches, labels that the data must have, and the export a PyTorch peer reads.
struct ModelFamilyTests {
    /// A tiny VAE on 300 digits, with a prior for its latent outputs.
    static let vae = """
        name: tiny_vae
        seed: 1
        data: {source: mnist, shape: [784], train_limit: 300}
        prior: {normal: {dim: 4}}
        networks:
          encoder:
            layers: [dense: 32, relu, dense: 8]
            outputs: {mu: 4, logvar: 4}
          decoder:
            layers: [dense: 32, relu, dense: 784]
        phases:
          - name: elbo
            loss: "784 * bce_logits(decoder(sample_normal(encoder(x).mu, encoder(x).logvar)), x) + ramp(0, 1, epochs: 2) * kl_normal(encoder(x).mu, encoder(x).logvar)"
            update: [encoder, decoder]
        train: {epochs: 2, batch_size: 50}
        outputs:
          - reconstructions
          - latent: {samples: 16, interpolations: 2, steps: 4}
          - parzen: {samples: 200, points: 300}

        """

    /// A tiny supervised AAE: the decoder reads the code beside the one-hot label.
    static let conditional = """
        name: tiny_conditional
        seed: 1
        data: {source: mnist, shape: [784], train_limit: 200}
        prior: {normal: {dim: 3}}
        networks:
          encoder:
            layers: [dense: 16, relu, dense: 3]
          decoder:
            layers: [dense: 16, relu, dense: 784, sigmoid]
          critic:
            layers: [dense: 8, relu, dense: 1]
        phases:
          - name: reconstruction
            loss: mse(decoder(concat(encoder(x), onehot(y))), x)
            update: [encoder, decoder]
          - name: critic
            loss: bce_logits(critic(z), 1) + bce_logits(critic(encoder(x)), 0)
            update: [critic]
            repeat: 3
          - name: generator
            loss: bce_logits(critic(encoder(x)), 1)
            update: [encoder]
            every: 2
        train: {epochs: 1, batch_size: 50}
        outputs:
          - latent: {samples: 20}

        """

    func train(_ spec: String, _ name: String) throws -> (RunexpBinary.Outcome, URL) {
        let scratch = try Scratch()
        try spec.write(toFile: scratch.path("\(name).yaml"), atomically: true, encoding: .utf8)
        let outcome = try RunexpBinary.run(["\(name).yaml", "--out", "run"], in: scratch.url)
        return (outcome, scratch.url.appendingPathComponent("run"))
    }

    func metrics(_ folder: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent("metrics.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func aVAETrainsReportsItsTestLossAndDecodesPriorSamples() throws {
        let (outcome, folder) = try train(Self.vae, "vae")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let records = try String(contentsOf: folder.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n").compactMap { line in
                try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            }
        let heldOutLosses = records.compactMap { $0["validation_loss"] as? Double }
        // The step records carry the two terms of the ELBO, for the term curves.
        let terms = try #require(records.first?["terms"] as? [String: Double])
        #expect(Set(terms.keys) == ["elbo.bce_logits", "elbo.kl_normal"])
        // The negative ELBO per image on the validation split, each epoch: it falls as the model learns.
        #expect(heldOutLosses.count == 2)
        #expect(heldOutLosses.last! < heldOutLosses.first! - 10, "validation_loss per epoch: \(heldOutLosses)")
        // The test split's, once after training.
        let final = try #require(records.first { $0["kind"] as? String == "final" })
        let values = try metrics(folder)
        #expect(values["test_loss"] as? Double == final["test_loss"] as? Double)
        // The Parzen estimate of 300 test digits under 200 decoded samples, σ from its grid.
        let parzen = try #require(values["parzen_log_likelihood"] as? Double)
        #expect(parzen.isFinite)
        #expect((0.05...0.5).contains(try #require(values["parzen_sigma"] as? Double)))
        for image in ["samples", "interpolations", "reconstructions"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("images/\(image).png").path))
        }
    }

    @Test func aConditionalDecoderIsShownUnderEveryClass() throws {
        let (outcome, folder) = try train(Self.conditional, "conditional")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for image in ["samples", "conditional"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("images/\(image).png").path))
        }
        // Interpolations need one class for both ends: a conditional decoder has none.
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("images/walks.png").path))
    }

    @Test func aRepeatedPhaseStepsItsOptimizerRepeatTimesAndASkippingPhaseEveryKthBatch() throws {
        let path = try Scratch().path("conditional.yaml")
        try Self.conditional.write(toFile: path, atomically: true, encoding: .utf8)
        let checked = try SpecCheck.run(path: path).get()
        let data = try ExperimentData.load(checked.spec.data, seed: checked.spec.seed, specDirectory: "/")
        let trainer = try Trainer(checked: checked, data: data, context: .serial)
        _ = try trainer.train(record: { _ in }, progress: { _ in }, epochEnded: { _ in }, stopRequested: { false })
        let batches = (data.train.count + 49) / 50
        #expect(trainer.phases.map(\.optimizer.step) == [batches, 3 * batches, batches / 2])
    }

    @Test func checkShowsHowOftenAPhaseRuns() throws {
        let scratch = try Scratch()
        try Self.conditional.write(toFile: scratch.path("c.yaml"), atomically: true, encoding: .utf8)
        let outcome = try RunexpBinary.run(["check", "c.yaml"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("critic ×3"))
        #expect(outcome.stdout.contains("generator every 2"))
    }

    @Test func aLossThatReadsLabelsIsRefusedForDataWithoutThem() throws {
        let sample = DataCommandTests.shared.appendingPathComponent("homework/data_sample.npy").path
        let scratch = try Scratch()
        let spec = Self.conditional.replacingOccurrences(
            of: "{source: mnist, shape: [784], train_limit: 200}", with: "{source: {npy: \(sample)}, shape: [784]}")
        try spec.write(toFile: scratch.path("c.yaml"), atomically: true, encoding: .utf8)
        let outcome = try RunexpBinary.run(["check", "c.yaml"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains(
                "c.yaml:14:49: error: in the loss: y is the batch's class labels, but the data has none"))
    }

    @Test func aClassifierHeadRecordsItsAccuracyOnEverySplit() throws {
        let spec = """
            name: classifier
            seed: 1
            data: {source: mnist, shape: [784], train_limit: 1000}
            networks:
              classifier:
                layers: [dense: 10]
            phases:
              - name: classify
                loss: cross_entropy(classifier(x), y)
                update: [classifier]
                optimizer: {adam: {lr: 0.01}}
            train: {epochs: 3, batch_size: 50}

            """
        let (outcome, folder) = try train(spec, "classifier")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let values = try metrics(folder)
        for split in ["train", "validation", "test"] {
            let accuracy = try #require(values["\(split)_accuracy"] as? Double)
            // Ten classes: chance is 0.1; a linear classifier on 900 digits does far better.
            #expect(accuracy > 0.6 && accuracy <= 1, "\(split)_accuracy \(accuracy)")
        }
    }

    @Test func exportWritesTheSplitsARunTrainsOn() throws {
        let scratch = try Scratch()
        try Self.vae.write(toFile: scratch.path("vae.yaml"), atomically: true, encoding: .utf8)
        let outcome = try RunexpBinary.run(["data", "export", "vae.yaml", "--out", "d.npz"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("train 270, validation 30, test 10000"))
        let inspected = try RunexpBinary.run(["data", "inspect", "d.npz"], in: scratch.url)
        #expect(inspected.stdout.contains("train_x: uint8 [270, 28, 28, 1]"), "\(inspected.stdout)")
    }
}
