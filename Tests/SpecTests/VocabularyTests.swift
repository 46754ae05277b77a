import Testing

@testable import Spec

/// The vocabulary every module reads: splits with their one fallback rule, the metric registry,
/// output kinds and key paths.
struct VocabularyTests {
    @Test func aSplitTheDataHasServesItself() {
        #expect(Split.serving(.train, among: [.train, .test]) == .train)
    }

    @Test func aMissingSplitIsServedByTestThenValidationThenTrain() {
        #expect(Split.serving(.validation, among: [.train, .validation, .test]) == .validation)
        #expect(Split.serving(.test, among: [.train, .validation]) == .validation)
        #expect(Split.serving(.validation, among: [.train, .test]) == .test)
        #expect(Split.serving(.test, among: [.train]) == .train)
        #expect(Split.heldOut(among: [.train, .validation]) == .validation)
    }

    @Test func everyMetricNameIsRegisteredOnceAndFoundByName() {
        let names = Metric.names(Metric.all)
        #expect(Set(names).count == names.count)
        for metric in Metric.all { #expect(Metric.named(metric.name) == metric) }
        #expect(Metric.named("test_msee") == nil)
    }

    @Test func perSplitMetricsAreNamedSplitThenMeasure() {
        let metric = Metric.of(.loss, on: .validation)
        #expect(metric.name == "validation_loss")
        #expect(metric.split == .validation && metric.measure == .loss && metric.timing == .epoch)
    }

    @Test func accuraciesAndLikelihoodsAreBetterHigherErrorsLowerTheAdversaryNeither() {
        #expect(Metric.of(.accuracy, on: .test).direction == .higher)
        #expect(Metric.parzenLogLikelihood.direction == .higher)
        #expect(Metric.of(.mse, on: .test).direction == .lower)
        #expect(Metric.discriminatorAccuracy.direction == .neither)
        #expect(Metric.direction(ofKey: Metric.phaseLossKey("elbo")) == .lower)
        #expect(Metric.direction(ofKey: "steps") == nil)
    }

    @Test func earlyStoppingOnAnAccuracyMaximizesUnlessTold() throws {
        let base = """
            name: t
            data: {source: mnist}
            networks: {encoder: {input: [4], layers: [dense: 2]}}
            phases: [{name: p, loss: "mse(encoder(x), x)", update: [encoder]}]
            train: {early_stop: {metric: validation_accuracy}}
            """
        let spec = try SpecLoader.load(text: base, file: "t.yaml").get()
        #expect(spec.train.earlyStop?.minimizes == false)
        let told = base.replacingOccurrences(of: "validation_accuracy}", with: "validation_accuracy, mode: min}")
        #expect(try SpecLoader.load(text: told, file: "t.yaml").get().train.earlyStop?.minimizes == true)
    }

    @Test func keyPathsNameListItemsByTheirNameElseTheirPosition() throws {
        let node = try YAMLReader(file: "t.yaml").read(
            """
            phases: [{name: generator, optimizer: {adam: {lr: 0.001}}}]
            outputs: [curves: [], tsne: {points: 10}]
            """
        ).get()
        let values = Dictionary(uniqueKeysWithValues: SpecKeyPath.values(node).map { ($0.path, $0.value) })
        #expect(values["phases.generator.optimizer.adam.lr"] == "0.001")
        #expect(values["outputs.0.curves"] == "[]")
        #expect(values["outputs.1.tsne.points"] == "10")
    }

    @Test func aPrintedKeyPathIsOneSetAccepts() throws {
        let node = try YAMLReader(file: "t.yaml").read("phases: [{name: generator, optimizer: {adam: {lr: 0.001}}}]")
            .get()
        let path = try #require(SpecKeyPath.values(node).first?.path)
        let override = try SpecOverride.parse("\(path)=0.5").get()
        let changed = try override.apply(to: node).get()
        #expect(SpecKeyPath.values(changed).first?.value == "0.5")
    }

    @Test func outputKindsAreNamedByTheirKeys() {
        #expect(OutputSpec.Family.names == ["curves", "reconstructions", "tsne", "latent", "parzen"])
        #expect(OutputSpec.Kind.parzen(samples: 1, points: 1, decoder: "d").family == .parzen)
    }
}
