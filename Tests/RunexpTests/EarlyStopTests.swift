import Foundation
import Testing

/// `train.early_stop`, as a user runs it: training stops once the metric stops improving, and what
/// the run keeps is exactly the best epoch.
struct EarlyStopTests {
    /// A tiny autoencoder whose large step size stalls the validation MSE within a few epochs.
    static func spec(epochs: Int, earlyStop: String) -> String {
        """
        name: es
        seed: 1
        data: {source: mnist, shape: [784], train_limit: 300}
        networks:
          encoder:
            layers: [dense: 32, relu, dense: 4]
          decoder:
            layers: [dense: 32, relu, dense: 784, sigmoid]
        phases:
          - name: r
            loss: mse(decoder(encoder(x)), x)
            update: [encoder, decoder]
            optimizer: {adam: {lr: 0.05}}
        train: {epochs: \(epochs), batch_size: 50\(earlyStop)}

        """
    }

    func run(_ spec: String, in scratch: Scratch, _ out: String) throws -> [String: Any] {
        try spec.write(toFile: scratch.path("\(out).yaml"), atomically: true, encoding: .utf8)
        let outcome = try RunexpBinary.run(["\(out).yaml", "--out", out], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let data = try Data(contentsOf: scratch.url.appendingPathComponent("\(out)/metrics.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func aStalledMetricStopsTrainingAndTheRunKeepsExactlyTheBestEpoch() throws {
        let scratch = try Scratch()
        let stopped = try run(
            Self.spec(epochs: 30, earlyStop: ", early_stop: {metric: validation_mse, patience: 2}"), in: scratch, "a")
        let best = try #require(stopped["best_epoch"] as? Double)
        let epochs = try #require(stopped["epochs"] as? Int)
        #expect(epochs == Int(best) + 2, "stopped after epoch \(epochs), best \(best)")
        #expect(epochs < 30)
        // A run that simply ends at the best epoch has the same parameters and metrics.
        let plain = try run(Self.spec(epochs: Int(best), earlyStop: ""), in: scratch, "b")
        #expect(stopped["parameter_digest"] as? String == plain["parameter_digest"] as? String)
        #expect(stopped["validation_mse"] as? Double == plain["validation_mse"] as? Double)
        let facts =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: scratch.url.appendingPathComponent("a/run.json"))) as? [String: Any]
        let early = try #require(facts?["early_stop"] as? [String: Any])
        #expect(early["best_epoch"] as? Int == Int(best))
        #expect(early["stopped"] as? Bool == true)
    }

    @Test func aMetricTheEpochsDoNotRecordIsRefusedAtItsPlace() throws {
        let scratch = try Scratch()
        try Self.spec(epochs: 3, earlyStop: ", early_stop: {metric: test_loss}").write(
            toFile: scratch.path("s.yaml"), atomically: true, encoding: .utf8)
        let outcome = try RunexpBinary.run(["check", "s.yaml"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.hasPrefix(
                "s.yaml:14:48: error: train.early_stop watches test_loss, which this spec's evaluations do not record; they record validation_mse"
            ))
    }

    @Test func discriminatorAccuracyIsRefusedWhenNoNetworkJudgesPriorSamples() throws {
        // A prior matched by MMD has no adversary: the runs record no discriminator accuracy.
        let spec = Self.spec(epochs: 3, earlyStop: ", early_stop: {metric: discriminator_accuracy}")
            .replacingOccurrences(of: "seed: 1\n", with: "seed: 1\nprior: {normal: {dim: 4}}\n")
            .replacingOccurrences(
                of: "loss: mse(decoder(encoder(x)), x)", with: "loss: mse(decoder(encoder(x)), x) + mmd(encoder(x), z)")
        let scratch = try Scratch()
        try spec.write(toFile: scratch.path("s.yaml"), atomically: true, encoding: .utf8)
        let outcome = try RunexpBinary.run(["check", "s.yaml"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains(
                "train.early_stop watches discriminator_accuracy, which this spec's evaluations do not record"),
            "\(outcome.stderr)")
    }
}
