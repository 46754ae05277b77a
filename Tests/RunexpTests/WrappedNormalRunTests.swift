import Foundation
import Testing

/// The Poincaré VAE as a user meets it: a spec whose code is a wrapped normal draw on the ball is
/// accepted alike by `check` and a run, trains to a finite loss, and a second run of the same seed
/// draws the same codes (its metrics are byte for byte the first's).
struct WrappedNormalRunTests {
    static let spec = """
        name: tiny_pvae
        seed: 1
        data: {source: mnist, shape: [784], train_limit: 100}
        networks:
          encoder:
            layers: [dense: 16, relu, dense: 8]
            init: xavier_uniform
            outputs: {loc: 4, logvar: 4}
          decoder:
            layers: [dense: 16, relu, dense: 784]
        phases:
          - name: pvae
            values:
              q: encoder(x)
              code: sample_wrapped_normal(q.loc, q.logvar)
            loss: 784 * bce_logits(decoder(code), x) + mean(log_wrapped_normal(code, q.loc, q.logvar) - log_wrapped_normal(code))
            update: [encoder, decoder]
        train: {epochs: 1, batch_size: 50, evaluate: {every: 1, splits: [validation], final: []}}
        outputs: [curves]

        """

    @Test func checkAndARunAcceptItAlikeItTrainsAndASecondRunDrawsTheSame() throws {
        try RunexpBinary.expectTrainsAndReplaysDraws(Self.spec, as: "pvae.yaml", phase: "pvae", in: try Scratch())
    }
}
