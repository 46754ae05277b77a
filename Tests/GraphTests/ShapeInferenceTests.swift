import Testing

@testable import Graph
@testable import Spec

struct ShapeInferenceTests {
    func model(_ text: String) throws -> ModelSummary {
        let spec = try SpecLoader.load(text: text, file: "s.yaml").get()
        return try ShapeInference.run(spec).get()
    }

    let base = """
        data: {source: mnist-m}
        prior: {normal: {dim: 16}}
        networks:
          encoder:
            layers: [conv2d: {filters: 8, kernel: 3, stride: 2, padding: 1}, relu, flatten, dense: 16]
          decoder:
            layers: [dense: 1568, reshape: [14, 14, 8], conv2d_transpose: {filters: 3, kernel: 4, stride: 2, padding: 1}, sigmoid]
          critic:
            layers: [dense: 8, relu, dense: 1]
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
          - {name: critic, loss: "bce_logits(critic(z), 1) + bce_logits(critic(encoder(x)), 0)", update: [critic]}
          - {name: generator, loss: "bce_logits(critic(encoder(x)), 1)", update: [encoder]}
        """

    @Test func inputsAreInferredFromWhatFeedsEachNetwork() throws {
        let m = try model(base)
        #expect(m.network(named: "encoder")?.input == [28, 28, 3])
        #expect(m.network(named: "decoder")?.input == [16])
        #expect(m.network(named: "decoder")?.output == [28, 28, 3])
        #expect(m.network(named: "critic")?.input == [16])
    }

    @Test func phasesListTheNetworksTheyOnlyPassThrough() throws {
        let m = try model(base)
        #expect(m.phases.map(\.passesThrough) == [[], ["encoder"], ["critic"]])
        #expect(m.phases.map(\.updates) == [["encoder", "decoder"], ["critic"], ["encoder"]])
    }

    @Test func aPriorOfTheWrongSizeIsCaughtWhereTheCriticSeesBoth() throws {
        let spec = try SpecLoader.load(text: base.replacingOccurrences(of: "dim: 16", with: "dim: 12"), file: "s.yaml")
            .get()
        guard case .failure(let problems) = ShapeInference.run(spec) else {
            Issue.record("a 12-d prior fed a critic of 16-d codes")
            return
        }
        #expect(problems.diagnostics.count == 2)  // once in the critic's phase, once in the generator's
        #expect(
            problems.diagnostics[0].message
                == "network 'critic' was first applied to z of shape 12, but here it is applied to encoder(x) of shape 16"
        )
    }

    @Test func xTakesTheDeclaredInputWhenTheFileDecidesTheShape() throws {
        let text = """
            data: {source: {npy: data.npy}}
            networks:
              encoder: {input: [784], layers: [dense: 4]}
              decoder: {layers: [dense: 784]}
            phases:
              - {name: r, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
            """
        let m = try model(text)
        #expect(m.dataShape == [784])
        #expect(m.network(named: "decoder")?.output == [784])
    }
}
