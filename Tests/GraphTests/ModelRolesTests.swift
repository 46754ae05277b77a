import Spec
import Testing

@testable import Graph

/// A model's roles are found once from its losses: the reconstruction, the objective measured per
/// split, a classifier head, the critic of the prior, and the networks that make logits.
struct ModelRolesTests {
    func roles(_ body: String, prior: Bool = true) throws -> ModelRoles {
        let text =
            "name: m\ndata: {source: mnist, shape: [784]}\n" + (prior ? "prior: {normal: {dim: 4}}\n" : "") + body
        let spec = try SpecLoader.load(text: text, file: "m.yaml").get()
        return try ShapeInference.run(spec).get().roles
    }

    static let aae = """
        networks:
          encoder: {layers: [dense: 8, relu, dense: 4]}
          decoder: {layers: [dense: 8, relu, dense: 784, sigmoid]}
          critic: {layers: [dense: 8, relu, dense: 1]}
        phases:
          - {name: r, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
          - {name: d, loss: "bce_logits(critic(z), 1) + bce_logits(critic(encoder(x)), 0)", update: [critic]}
          - {name: g, loss: "bce_logits(critic(encoder(x)), 1)", update: [encoder]}
        """

    static let vae = """
        networks:
          encoder: {layers: [dense: 8, relu, dense: 8], outputs: {mu: 4, logvar: 4}}
          decoder: {layers: [dense: 8, relu, dense: 784]}
          classifier: {layers: [dense: 10]}
        phases:
          - name: elbo
            loss: >-
              784 * bce_logits(decoder(sample_normal(encoder(x).mu, encoder(x).logvar)), x)
              + kl_normal(encoder(x).mu, encoder(x).logvar)
            update: [encoder, decoder]
          - {name: c, loss: "cross_entropy(classifier(encoder(x).mu), y)", update: [classifier]}
        """

    /// FactorVAE with its critic's phase first: that phase passes `x` through the encoder it does
    /// not train; the VAE's passes only its own codes through the critic.
    static let factorVAE = """
        networks:
          encoder: {layers: [dense: 8, relu, dense: 8], outputs: {mu: 4, logvar: 4}}
          decoder: {layers: [dense: 8, relu, dense: 784]}
          critic: {layers: [dense: 8, leaky_relu: 0.2, dense: 1]}
        phases:
          - name: critic
            loss: >-
              bce_logits(critic(sample_normal(encoder(x).mu, encoder(x).logvar)), 0)
              + bce_logits(critic(permute_dims(sample_normal(encoder(x).mu, encoder(x).logvar))), 1)
            update: [critic]
          - name: vae
            loss: >-
              784 * bce_logits(decoder(sample_normal(encoder(x).mu, encoder(x).logvar)), x)
              + kl_normal(encoder(x).mu, encoder(x).logvar)
              + 2 * (bce_logits(critic(sample_normal(encoder(x).mu, encoder(x).logvar)), 1)
              - bce_logits(critic(sample_normal(encoder(x).mu, encoder(x).logvar)), 0))
            update: [encoder, decoder]
        """

    @Test func aFactorVAEsObjectiveIsItsVAEPhaseWhoseCriticJudgesTheCodesItTrains() throws {
        let roles = try roles(Self.factorVAE, prior: false)
        #expect(roles.measuredPhase == 1)
        #expect(roles.reconstruction?.phase == 1 && roles.critic == nil)
    }

    @Test func anAAEsCriticIsTheNetworkAppliedToThePriorJudgingTheEncodersCodes() throws {
        let roles = try roles(Self.aae)
        #expect(roles.critic == ModelRoles.Critic(phase: 1, network: "critic", chain: ["encoder"]))
        #expect(roles.reconstruction?.phase == 0 && roles.reconstruction?.logits == false)
        #expect(roles.measuredPhase == nil)
        #expect(roles.classifierHead == nil)
    }

    @Test func withoutAPriorNothingIsACritic() throws {
        let plain = Self.aae.replacingOccurrences(of: "critic(z)", with: "critic(encoder(x))")
        #expect(try roles(plain, prior: false).critic == nil)
    }

    @Test func aVAEsObjectiveIsMeasuredItsDecoderMakesLogitsAndItsClassifierIsAHead() throws {
        let roles = try roles(Self.vae)
        #expect(roles.measuredPhase == 0)
        #expect(roles.reconstruction?.phase == 0 && roles.reconstruction?.logits == true)
        #expect(roles.makesLogits("decoder") && !roles.makesLogits("encoder"))
        #expect(roles.classifierHead?.phase == 1 && roles.classifierHead?.classes == 10)
        #expect(roles.critic == nil)
    }

    @Test func aWAEsObjectiveReadingPriorSamplesIsMeasuredAndAnAAEsGeneratorPhaseIsNot() throws {
        let wae = """
            networks:
              encoder: {layers: [dense: 8, relu, dense: 4]}
              decoder: {layers: [dense: 8, relu, dense: 784, sigmoid]}
            phases:
              - {name: w, loss: "sse(decoder(encoder(x)), x) + 10 * mmd(encoder(x), z)", update: [encoder, decoder]}
            """
        #expect(try roles(wae).measuredPhase == 0)
        let reconstructingGenerator = Self.aae.replacingOccurrences(
            of: "bce_logits(critic(encoder(x)), 1)\"", with: "bce_logits(critic(encoder(x)), 1) + mse(encoder(x), 0)\"")
        #expect(try roles(reconstructingGenerator).measuredPhase == nil)
    }

    @Test func aLossMatchingAJudgesFeaturesOfXIsMeasuredWhenNoPhaseIsTheObjective() throws {
        let vaeGAN = """
            networks:
              encoder: {layers: [dense: 8, relu, dense: 8], outputs: {mu: 4, logvar: 4}}
              decoder: {layers: [dense: 8, relu, dense: 784, sigmoid]}
              judge: {layers: [dense: 8, relu, dense: 1, sigmoid]}
            phases:
              - name: judge
                loss: bce(judge(x), 1) + bce(judge(decoder(z)), 0)
                update: [judge]
              - name: encoder
                loss: >-
                  kl_normal(encoder(x).mu, encoder(x).logvar)
                  + sse(judge(decoder(sample_normal(encoder(x).mu, encoder(x).logvar))), judge(x))
                update: [encoder, decoder]
            """
        #expect(try roles(vaeGAN).measuredPhase == 1)
        let alone = vaeGAN.replacingOccurrences(of: "kl_normal(encoder(x).mu, encoder(x).logvar)\n      + ", with: "")
        #expect(try roles(alone).measuredPhase == nil, "one feature-matching term alone is no objective")
    }
}
