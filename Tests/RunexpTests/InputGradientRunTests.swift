import Foundation
import Testing

/// `input_gradient` as a user meets it: a spec whose code takes one step down the reconstruction's
/// gradient before it is decoded is accepted alike by `check` and a run, and trains.
struct InputGradientRunTests {
    static let spec = """
        name: tiny_gradient_step
        seed: 1
        data: {source: mnist, shape: [784], train_limit: 100}
        networks:
          encoder:
            layers: [dense: 16, tanh, dense: 4]
          decoder:
            layers: [dense: 16, tanh, dense: 784, sigmoid]
        phases:
          - name: step
            loss: sse(decoder(encoder(x) - 0.01 * input_gradient(decoder(encoder(x)), encoder(x), decoder(encoder(x)) - x)), x)
            update: [encoder, decoder]
        train: {epochs: 1, batch_size: 50, evaluate: {every: 1, splits: [validation], final: []}}
        outputs: [curves]

        """

    @Test func checkAndARunAcceptItAlikeAndItTrains() throws {
        let scratch = try Scratch()
        try RunexpBinary.expectAccepted(Self.spec, as: "step.yaml", in: scratch)
        let run = try RunexpBinary.run(["step.yaml", "--out", "run"], in: scratch.url)
        #expect(run.status == 0, "\(run.stderr)")
        let data = try Data(contentsOf: scratch.url.appendingPathComponent("run/metrics.json"))
        let metrics = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let loss = try #require(metrics["loss.step"] as? Double)
        let error = try #require(metrics["validation_mse"] as? Double)
        #expect(loss.isFinite && loss > 0 && error.isFinite, "loss \(loss), validation mse \(error)")
    }
}
