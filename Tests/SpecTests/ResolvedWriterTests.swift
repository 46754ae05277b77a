import Testing

@testable import Spec

struct ResolvedWriterTests {
    /// Values compared without places: what a reader of the written text gets back.
    func shape(_ node: YAMLNode) -> String { ResolvedWriter(showOrigins: false).inline(node) }

    @Test func resolvedSpecsReadBackToTheSameValues() throws {
        let spec = try SpecLoader.load(text: SpecExamples.aae, file: "aae.yaml").get()
        for showOrigins in [false, true] {
            let text = ResolvedWriter(showOrigins: showOrigins).write(spec.resolved)
            let again = try YAMLReader(file: "resolved.yaml").read(text).get()
            #expect(shape(again) == shape(spec.resolved))
        }
    }

    @Test func aResolvedSpecLoadsToTheSameSpec() throws {
        let spec = try SpecLoader.load(text: SpecExamples.aae, file: "aae.yaml").get()
        let text = ResolvedWriter(showOrigins: false).write(spec.resolved)
        let again = try SpecLoader.load(text: text, file: "aae.yaml").get()
        #expect(again.phases.map(\.loss.text) == spec.phases.map(\.loss.text))
        #expect(again.phases.map(\.optimizer) == spec.phases.map(\.optimizer))
        #expect(again.networks.map { $0.layers.map(\.kind) } == spec.networks.map { $0.layers.map(\.kind) })
        #expect(again.outputs.map(\.kind) == spec.outputs.map(\.kind))
        #expect(again.train == spec.train)
        #expect(again.prior == spec.prior)
    }

    @Test func theModelFamilysKeysSurviveTheResolvedSpec() throws {
        let text = """
            data: {source: mnist, shape: [784]}
            prior: {mixture: {modes: 10, by_label: true}}
            networks:
              encoder:
                layers: [dense: 16, relu, dense: 4]
                outputs: {mu: 2, logvar: 2}
              decoder:
                layers: [dense: 784]
            phases:
              - name: elbo
                loss: "784 * bce_logits(decoder(sample_normal(encoder(x).mu, encoder(x).logvar)), x) + ramp(0, 1, epochs: 3) * kl_normal(encoder(x).mu, encoder(x).logvar)"
                update: [encoder, decoder]
                optimizer: {adamw: {lr: {cosine: {start: 1.0e-3, end: 1.0e-5}}, warmup_steps: 10, clip_norm: 2}}
                repeat: 2
                every: 3
            train: {epochs: 4, early_stop: {metric: validation_loss, patience: 2}}
            """
        let spec = try SpecLoader.load(text: text, file: "family.yaml").get()
        for showOrigins in [false, true] {
            let written = ResolvedWriter(showOrigins: showOrigins).write(spec.resolved)
            let again = try SpecLoader.load(text: written, file: "family.yaml").get()
            #expect(again.phases.map(\.loss.text) == spec.phases.map(\.loss.text))
            #expect(again.phases.map(\.optimizer) == spec.phases.map(\.optimizer))
            #expect(again.phases.map(\.schedule) == spec.phases.map(\.schedule))
            #expect(again.phases.map(\.repeats) == [2] && again.phases.map(\.every) == [3])
            let heads = { (spec: ExperimentSpec) in spec.networks.map { $0.heads.map { "\($0.name) \($0.size)" } } }
            #expect(heads(again) == heads(spec))
            #expect(again.train == spec.train)
            #expect(again.prior == spec.prior)
        }
    }

    @Test func textThatWouldReadAsSomethingElseIsQuoted() {
        #expect(ResolvedWriter.scalar("a: b", quoted: true, inFlow: false) == "\"a: b\"")
        #expect(ResolvedWriter.scalar("5", quoted: true, inFlow: false) == "\"5\"")
        #expect(ResolvedWriter.scalar("mse(x, x)", quoted: true, inFlow: false) == "mse(x, x)")
        #expect(ResolvedWriter.scalar("mse(x, x)", quoted: true, inFlow: true) == "\"mse(x, x)\"")
        #expect(ResolvedWriter.scalar("-1.5", quoted: false, inFlow: true) == "-1.5")
        #expect(ResolvedWriter.scalar("- x", quoted: false, inFlow: false) == "\"- x\"")
    }

    @Test func originsAreNotedPerLine() throws {
        let spec = try SpecLoader.load(text: SpecExamples.aae, file: "aae.yaml", overrides: ["train.epochs=2"]).get()
        let lines = ResolvedWriter(showOrigins: true).write(spec.resolved).split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("  epochs: 2 ") && $0.hasSuffix("# --set train.epochs=2") })
        #expect(lines.contains { $0.hasPrefix("  batch_size: 10 ") && $0.hasSuffix("# line 22") })
        #expect(lines.contains { $0.hasPrefix("  checkpoint_every: auto ") && $0.hasSuffix("# default") })
        #expect(lines.contains { $0.hasPrefix("seed: 0") && $0.hasSuffix("# default") })
    }
}
