import Foundation
import Testing

/// What the report says of a run is true of that run: its description, its captions, its legends.
struct ReportWordingTests {
    static let spec = """
        name: adversarial
        description: An adversarial autoencoder on MNIST
        data: {source: {npy: d.npy, labels: l.npy}, shape: [784]}
        prior: {normal: {dim: 4}}
        networks:
          encoder: {layers: [dense: 16, relu, dense: 4]}
          decoder: {layers: [dense: 16, relu, dense: 784, sigmoid]}
          critic: {layers: [dense: 8, relu, dense: 1]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
          - {name: judge, loss: "bce_logits(critic(z), 1) + bce_logits(critic(encoder(x)), 0)", update: [critic]}
          - {name: fool, loss: "bce_logits(critic(encoder(x)), 1)", update: [encoder]}
        train: {epochs: 1, batch_size: 50}
        outputs: [curves]
        """

    func report(_ arguments: [String] = []) throws -> String {
        let scratch = try Scratch()
        try scratch.writeImages(count: 200)
        try scratch.write("spec.yaml", Self.spec)
        let outcome = try RunexpBinary.run(["spec.yaml", "--out", "out"] + arguments, in: scratch.url)
        try #require(outcome.status == 0, "\(outcome.stderr)")
        return try String(contentsOfFile: scratch.path("out/report.html"), encoding: .utf8)
    }

    @Test func aDescriptionOfTheSpecsDataIsMarkedAsTheSpecsWhereTheCommandLineReplacedTheData() throws {
        let replaced = try report(["--set", "data.source={npy: d.npy, labels: l.npy}"])
        #expect(replaced.contains("An adversarial autoencoder on MNIST"))
        // Apostrophes are written as character references.
        #expect(
            replaced.contains(
                "That is the spec&#39;s description; this run&#39;s data was set on the command line: "
                    + "--set data.source={npy: d.npy, labels: l.npy}."))
        #expect(!(try report()).contains("That is the spec"))
    }

    @Test func theDiscriminatorsAccuracyNamesTheSplitWhoseCodesItJudged() throws {
        // The data has no test split: the validation codes held out of train are judged, by the
        // one rule every output follows (test, else validation, else train).
        let page = try report()
        #expect(page.contains("How often the discriminator tells prior samples from validation codes"))
        #expect(!page.contains("from test codes"))
    }

    @Test func withoutTestOrValidationSplitsTheTrainingCodesAreJudged() throws {
        let page = try report(["--set", "data.validation=0"])
        #expect(page.contains("How often the discriminator tells prior samples from train codes"))
    }

    @Test func theTermsOfALossAreLabelledAsTheSpecWritesThem() throws {
        let page = try report()
        #expect(page.contains("judge: bce_logits(critic(z), 1)"))
        #expect(page.contains("judge: bce_logits(critic(encoder(x)), 0)"))
        #expect(!page.contains("bce_logits#2"))
    }
}
