import Foundation
import Testing

/// The S-VAE as a user meets it: a spec whose code is a von Mises–Fisher draw is accepted alike by
/// `check` and a run, trains to a finite loss, and a second run of the same seed draws the same
/// codes (its metrics are byte for byte the first's).
struct VonMisesRunTests {
    static let spec = """
        name: tiny_svae
        seed: 1
        data: {source: mnist, shape: [784], train_limit: 100}
        networks:
          encoder:
            layers: [dense: 16, relu, dense: 5]
            outputs: {loc: 4, log_concentration: 1}
          decoder:
            layers: [dense: 16, relu, dense: 784]
        phases:
          - name: svae
            values:
              q: encoder(x)
              kappa: softplus(q.log_concentration) + 1
            loss: 784 * bce_logits(decoder(sample_von_mises(q.loc, kappa)), x) + kl_von_mises(q.loc, kappa)
            update: [encoder, decoder]
        train: {epochs: 1, batch_size: 50, evaluate: {every: 1, splits: [validation], final: []}}
        outputs: [curves]

        """

    @Test func checkAndARunAcceptItAlikeItTrainsAndASecondRunDrawsTheSame() throws {
        try RunexpBinary.expectTrainsAndReplaysDraws(Self.spec, as: "svae.yaml", phase: "svae", in: try Scratch())
    }
}
