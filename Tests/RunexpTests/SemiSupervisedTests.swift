import Foundation
import Testing

@testable import Data
import Graph
@testable import Runner
@testable import Spec

/// The semi-supervised setting as a user runs it: `data.labeled` keeps the labels of some training
/// images, equally many of each class, and a `batches: labeled` phase trains on those alone.
struct SemiSupervisedTests {
    /// A tiny semi-supervised AAE: digit and style codes, two critics, 50 labelled digits of 270.
    static let spec = """
        name: tiny_semisupervised
        seed: 1
        data: {source: mnist, shape: [784], train_limit: 300, labeled: 50}
        prior:
          parts:
            digit: {categorical: {classes: 10}}
            style: {normal: {dim: 3}}
        networks:
          encoder:
            layers: [dense: 32, relu, dense: 13]
            outputs: {digit: 10, style: 3}
          decoder:
            layers: [dense: 32, relu, dense: 784, sigmoid]
          digit_critic:
            layers: [dense: 8, relu, dense: 1]
          style_critic:
            layers: [dense: 8, relu, dense: 1]
        phases:
          - name: reconstruction
            loss: mse(decoder(concat(softmax(encoder(x).digit), encoder(x).style)), x)
            update: [encoder, decoder]
          - name: critics
            loss: >-
              bce_logits(digit_critic(z.digit), 1) + bce_logits(digit_critic(softmax(encoder(x).digit)), 0)
              + bce_logits(style_critic(z.style), 1) + bce_logits(style_critic(encoder(x).style), 0)
            update: [digit_critic, style_critic]
          - name: generator
            loss: bce_logits(digit_critic(softmax(encoder(x).digit)), 1) + bce_logits(style_critic(encoder(x).style), 1)
            update: [encoder]
          - name: classification
            loss: cross_entropy(encoder(x).digit, y)
            update: [encoder]
            batches: labeled
        train: {epochs: 2, batch_size: 20}
        outputs: [curves, latent: {samples: 20, interpolations: 2, steps: 4}, parzen: {samples: 100, points: 100}]

        """

    func write(_ text: String) throws -> (Scratch, String) {
        let scratch = try Scratch()
        try text.write(toFile: scratch.path("s.yaml"), atomically: true, encoding: .utf8)
        return (scratch, scratch.path("s.yaml"))
    }

    @Test func theKeptLabelsAreEquallyManyOfEachClassAndTheSameForTheSameSeed() throws {
        let train = try EmbeddedData.mnist().train
        let chosen = try LabeledSubset.choose(95, of: train, labeled: true, seed: 3, origin: .defaulted)
        #expect(chosen.count == 95 && Set(chosen).count == 95 && chosen == chosen.sorted())
        var counts = Array(repeating: 0, count: 10)
        for index in chosen { counts[Int(train.labels[index])] += 1 }
        // 95 = 9 × 10 + 5: the first five classes get one more.
        #expect(counts == [10, 10, 10, 10, 10, 9, 9, 9, 9, 9])
        #expect(try LabeledSubset.choose(95, of: train, labeled: true, seed: 3, origin: .defaulted) == chosen)
        #expect(try LabeledSubset.choose(95, of: train, labeled: true, seed: 4, origin: .defaulted) != chosen)
    }

    @Test func aLabelledPhaseMeetsEachKeptImageOncePerPassInFullBatches() {
        let kept = [3, 8, 13, 21, 34, 55, 89]
        var batches = LabeledSubset.Batches(images: kept, batchSize: 3, seed: 1)
        // Seven images, batches of three: two full batches per pass; the seventh waits a pass.
        let first = Array(batches.batch(number: 0)) + Array(batches.batch(number: 1))
        let second = Array(batches.batch(number: 2)) + Array(batches.batch(number: 3))
        for pass in [first, second] {
            #expect(pass.count == 6 && Set(pass).count == 6 && Set(pass).isSubset(of: kept))
        }
        #expect(first != second)
        // A batch depends on its number alone: a resumed run draws the same one.
        var fresh = LabeledSubset.Batches(images: kept, batchSize: 3, seed: 1)
        #expect(Array(fresh.batch(number: 3)) == Array(second[3...]))
    }

    @Test func aLabelledPhaseTrainsOnTheKeptImagesOnly() throws {
        let (_, path) = try write(Self.spec)
        let checked = try SpecCheck.run(path: path).get()
        let data = try ExperimentData.load(checked.spec.data, seed: checked.spec.seed, specDirectory: "/")
        let kept = try #require(data.labeledTrain)
        #expect(kept.count == 50)
        let trainer = try Trainer(checked: checked, data: data, context: .serial)
        _ = try trainer.train(record: { _ in }, progress: { _ in }, epochEnded: { _ in }, stopRequested: { false })
        // The classification phase's x holds the kept images of its last batch: step number − 1.
        var batches = LabeledSubset.Batches(images: kept, batchSize: 20, seed: checked.spec.seed)
        let last = batches.batch(number: trainer.step - 1)
        let expected = FloatBuffer(count: 20 * 784)
        try data.train.writeBatch(
            last, scale: 1 / 255, into: UnsafeMutableBufferPointer(start: expected.pointer, count: expected.count))
        let classification = try #require(trainer.phases.last)
        #expect(Array(UnsafeBufferPointer(start: classification.data!.pointer, count: 20 * 784)) == expected.values)
        #expect(Set(last).isSubset(of: kept))
    }

    @Test func aSemiSupervisedAAETrainsAndRecordsItsTestAccuracy() throws {
        let (scratch, _) = try write(Self.spec)
        let outcome = try RunexpBinary.run(["s.yaml", "--out", "run"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let data = try Data(contentsOf: scratch.url.appendingPathComponent("run/metrics.json"))
        let metrics = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let accuracy = try #require(metrics["test_accuracy"] as? Double)
        #expect(accuracy > 0 && accuracy <= 1)
        // The model's measured loss is the classifier's cross-entropy, not the adversary's verdict.
        #expect(metrics["test_loss"] is Double)
        #expect(metrics["parzen_log_likelihood"] is Double)
    }

    @Test func theLatentOutputsExploreTheCodesTheDecoderReadsAndSetTheirDigitToEachClass() throws {
        let (scratch, _) = try write(Self.spec)
        let outcome = try RunexpBinary.run(["s.yaml", "--out", "run"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // The decoder reads softmax(digit) beside the style, 13 values: interpolations and walks
        // move through those codes, and conditional.png sets the digit part to each class.
        for image in ["samples", "interpolations", "walks", "conditional"] {
            let path = scratch.url.appendingPathComponent("run/images/\(image).png").path
            #expect(FileManager.default.fileExists(atPath: path), "no images/\(image).png")
        }
        let report = try String(contentsOf: scratch.url.appendingPathComponent("run/report.html"), encoding: .utf8)
        #expect(report.contains("set to each class 0…9"))
    }

    @Test func moreKeptLabelsThanTrainingImagesIsRefusedAtItsPlace() throws {
        let (scratch, _) = try write(Self.spec.replacingOccurrences(of: "labeled: 50", with: "labeled: 5000"))
        let outcome = try RunexpBinary.run(["check", "s.yaml"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.hasPrefix(
                "s.yaml:3:64: error: data.labeled asks for 5000 labelled images, but the training split has 270"),
            "\(outcome.stderr)")
    }

    @Test func exportNamesTheKeptImagesForAPeer() throws {
        let (scratch, _) = try write(Self.spec)
        let outcome = try RunexpBinary.run(["data", "export", "s.yaml", "--out", "d.npz"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("train 270 (50 labelled)"), "\(outcome.stdout)")
        let inspected = try RunexpBinary.run(["data", "inspect", "d.npz"], in: scratch.url)
        #expect(inspected.stdout.contains("train_labeled: int64 [50]"), "\(inspected.stdout)")
    }
}
