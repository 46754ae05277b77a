import Foundation
import Testing

/// What a new user types wrong gets the command that was meant (issue 30, item 11).
struct UsageHintTests {
    @Test func aMisspeltCommandSuggestsTheCommand() throws {
        let outcome = try RunexpBinary.run(["chek", "experiments/cnn_ae.yaml"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("did you mean `runexp check experiments/cnn_ae.yaml`?"), "\(outcome.stderr)")
    }

    @Test func aSpecKeyGivenAsAnOptionSuggestsSet() throws {
        let outcome = try RunexpBinary.run(["experiments/cnn_ae.yaml", "--epochs", "1"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--set train.epochs=VALUE"), "\(outcome.stderr)")
    }

    @Test func aMissingSpecFileFarFromAnyCommandIsStillJustMissing() throws {
        let outcome = try RunexpBinary.run(["no-such-experiment.yaml"])
        #expect(outcome.status == 2)
        #expect(!outcome.stderr.contains("did you mean `runexp"))
    }

    @Test func checkSaysALatentOutputWithoutAPriorDrawsNoSamples() throws {
        let scratch = try Scratch()
        try scratch.write(
            "vae.yaml",
            """
            name: vae
            data: {source: mnist, shape: [784]}
            networks:
              encoder: {layers: [dense: 8, relu, dense: 8], outputs: {mu: 4, logvar: 4}}
              decoder: {layers: [dense: 8, relu, dense: 784]}
            phases:
              - name: elbo
                loss: >-
                  784 * bce_logits(decoder(sample_normal(encoder(x).mu, encoder(x).logvar)), x)
                  + kl_normal(encoder(x).mu, encoder(x).logvar)
                update: [encoder, decoder]
            outputs: [latent]
            """)
        let outcome = try RunexpBinary.run(["check", "vae.yaml"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            outcome.stdout.contains("latent decodes samples of the prior, but the spec has none"), "\(outcome.stdout)")
    }
}
