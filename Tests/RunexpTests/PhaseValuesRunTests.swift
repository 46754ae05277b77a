import Foundation
import Testing

/// A phase's named values as a user meets them: one leapfrog step of pythae's HVAE written with
/// `values:`, softplus and a product of batches is accepted alike by `check` and a run, and trains.
struct PhaseValuesRunTests {
    static let spec = """
        name: tiny_leapfrog
        seed: 1
        data: {source: mnist, shape: [784], train_limit: 100}
        networks:
          encoder:
            layers: [dense: 16, tanh, dense: 8]
            outputs: {mu: 4, logvar: 4}
          decoder:
            layers: [dense: 16, tanh, dense: 784, sigmoid]
        phases:
          - name: hvae
            values:
              q: encoder(x)
              z0: q.mu + softplus(q.logvar) * noise(0 * q.mu, 1)
              rho0: noise(0 * q.logvar, 2)
              half: rho0 - 0.01 * (input_gradient(decoder(z0), z0, decoder(z0) - x) + z0)
              z1: z0 + 0.02 * rho0
              rho1: half - 0.01 * (input_gradient(decoder(z1), z1, decoder(z1) - x) + z1)
            loss: 0.5 * sse(decoder(z1), x) + 0.5 * sse(z1, 0) + 0.5 * sse(rho1, 0) - 2 * mean(q.logvar)
            update: [encoder, decoder]
        train: {epochs: 1, batch_size: 50, evaluate: {every: 1, splits: [validation], final: []}}
        outputs: [curves]

        """

    @Test func checkAndARunAcceptItAlikeAndItTrains() throws {
        let scratch = try Scratch()
        try RunexpBinary.expectAccepted(Self.spec, as: "leapfrog.yaml", in: scratch)
        let run = try RunexpBinary.run(["leapfrog.yaml", "--out", "run"], in: scratch.url)
        #expect(run.status == 0, "\(run.stderr)")
        let data = try Data(contentsOf: scratch.url.appendingPathComponent("run/metrics.json"))
        let metrics = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let loss = try #require(metrics["loss.hvae"] as? Double)
        #expect(loss.isFinite && loss > 0, "loss \(loss)")
    }
}
