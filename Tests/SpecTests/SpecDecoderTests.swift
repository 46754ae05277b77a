import Testing

@testable import Spec

struct SpecDecoderTests {
    @Test func defaultsAreFilledInAndMarkedAsDefaults() throws {
        let spec = try SpecLoader.load(text: SpecExamples.aae, file: "aae.yaml").get()
        #expect(spec.seed == 0)
        #expect(spec.train.shuffle)
        #expect(spec.data.validation == 0.1)
        #expect(spec.phases[0].optimizer == .adam(lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0))
        let seed = try #require(spec.resolved.entries?.first { $0.key == "seed" })
        #expect(seed.value.origin == .defaulted)
    }

    @Test func determinismDefaultsToFastAndTheCommandLinesModeWinsMarkedWithItsOption() throws {
        let spec = try SpecLoader.load(text: SpecExamples.aae, file: "aae.yaml").get()
        #expect(spec.determinism == .fast)
        let text = SpecExamples.aae + "\ndeterminism: fast\n"
        let portable = try SpecLoader.load(text: text, file: "aae.yaml", determinism: .portable).get()
        #expect(portable.determinism == .portable)
        let entry = try #require(portable.resolved.entries?.first { $0.key == "determinism" })
        #expect(entry.value.origin == .argument("--determinism portable"))
    }

    @Test func logEveryDefaultsToAutoWhichMakesAbout200RecordsAndNeverLessThanEveryStep() throws {
        let spec = try SpecLoader.load(text: SpecExamples.aae, file: "aae.yaml").get()
        #expect(spec.train.logEvery == .auto)
        #expect(LogInterval.auto.steps(totalSteps: 5400) == 27)
        #expect(LogInterval.auto.steps(totalSteps: 18) == 1)
        #expect(LogInterval.every(50).steps(totalSteps: 18) == 50)
        let every = try SpecLoader.load(text: SpecExamples.aae, file: "aae.yaml", overrides: ["train.log_every=7"])
            .get()
        #expect(every.train.logEvery == .every(7))
    }

    @Test(arguments: [("often", "found 'often'"), ("2.5", "found '2.5'"), ("[1]", "found a list"), ("0", "in 1…")])
    func logEveryIsAutoOrAWholeNumberOfSteps(value: String, message: String) throws {
        let result = SpecLoader.load(text: SpecExamples.aae, file: "aae.yaml", overrides: ["train.log_every=\(value)"])
        guard case .failure(let problems) = result else {
            Issue.record("log_every: \(value) was accepted")
            return
        }
        #expect(problems.description.contains("train.log_every must be"), "\(problems.description)")
        #expect(problems.description.contains(message), "\(problems.description)")
    }

    @Test func layerShorthandsMeanTheirMainSetting() throws {
        let spec = try SpecLoader.load(text: SpecExamples.aae, file: "aae.yaml").get()
        #expect(
            spec.networks[2].layers.map(\.kind) == [
                .dense(units: 16, bias: true), .leakyReLU(slope: 0.2), .dense(units: 1, bias: true),
            ])
    }

    @Test func seedOptionOverridesTheSpec() throws {
        let spec = try SpecLoader.load(text: SpecExamples.aae, file: "aae.yaml", seed: 7).get()
        #expect(spec.seed == 7)
    }

    @Test func outputsAndExpectationsDecode() throws {
        let spec = try SpecLoader.load(text: SpecExamples.aae, file: "aae.yaml").get()
        #expect(
            spec.outputs.map(\.kind) == [
                .curves(phases: []), .reconstructions(split: .test, count: 4),
                .tsne(split: .train, points: 100, perplexity: 30, encoder: "encoder"),
                .latent(samples: 16, interpolations: 8, steps: 10, encoder: "encoder", decoder: "decoder"),
            ])
        #expect(spec.expectations.map(\.metric) == ["test_mse"])
        #expect(spec.expectations.first?.maximum == 0.1)
    }

    @Test func theAssignmentsGeneratorObjectiveIsExpressible() throws {
        let spec = try SpecLoader.load(text: SpecExamples.aae, file: "aae.yaml").get()
        guard case .negate(.call("bce_logits", _, _), _) = spec.phases[2].loss else {
            Issue.record("generator loss is \(spec.phases[2].loss.text)")
            return
        }
    }

    @Test func everyProblemIsReportedNotJustTheFirst() {
        let text = SpecExamples.aae.replacingOccurrences(of: "epochs: 2", with: "epochs: -2")
            .replacingOccurrences(of: "leaky_relu: 0.2", with: "leaky_rel: 0.2")
            .replacingOccurrences(of: "update: [discriminator]", with: "update: [discriminatr]")
        guard case .failure(let problems) = SpecLoader.load(text: text, file: "aae.yaml") else {
            Issue.record("a broken spec loaded")
            return
        }
        #expect(problems.diagnostics.count == 3)
        #expect(problems.diagnostics.map(\.origin.place) == ["aae.yaml:10:25", "aae.yaml:17:14", "aae.yaml:22:17"])
    }

    @Test func nearestNameSuggestsTyposButNotStrangers() {
        #expect(NearestName.find("dens", in: LayerSpec.names) == "dense")
        #expect(NearestName.find("rleu", in: LayerSpec.names) == "relu")
        #expect(NearestName.find("conv2d_tranpose", in: LayerSpec.names) == "conv2d_transpose")
        #expect(NearestName.find("banana", in: LayerSpec.names) == nil)
    }

    @Test func aShortNameTwoEditsFromAnotherIsNoTypoOfIt() {
        #expect(NearestName.find("kll", in: LossFunctionCatalogue.names) == nil)
        #expect(NearestName.find("mes", in: LossFunctionCatalogue.names) == "mse")
    }

    @Test func anUnknownNameWithNoNearNameListsTheNamesThatExist() {
        let hint = NearestName.hint("kll", in: LossFunctionCatalogue.names)
        #expect(hint.hasPrefix("; expected one of: mse, sse, l1, bce"), "\(hint)")
        #expect(!hint.contains("did you mean"))
    }
}
