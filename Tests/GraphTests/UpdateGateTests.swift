import Kernels
import Testing

@testable import Graph
@testable import Spec

/// A phase's `when:` decides after its forward pass, from its own terms' values, whether the step
/// updates: held back, the weights and the optimizer's state stay as they were.
struct UpdateGateTests {
    static func spec(when condition: String) -> String {
        """
        seed: 3
        data: {source: mnist, shape: [784]}
        networks:
          discriminator: {layers: [dense: 5, relu, dense: 1, sigmoid]}
        phases:
          - name: discriminator
            loss: bce(discriminator(x), 1) + 0.5 * sse(discriminator(x), 0)
            update: [discriminator]
            when: \(condition)
        """
    }

    /// The discriminator's weights after one step on a fixed batch, and whether it updated.
    func step(when condition: String) throws -> (weights: [Float], updated: Bool, loss: Double) {
        let spec = try SpecLoader.load(text: Self.spec(when: condition), file: "gate.yaml").get()
        let model = try ShapeInference.run(spec).get()
        let store = ParameterStore(model: model, spec: spec, seed: spec.seed)
        let data = FloatBuffer(count: 8 * 784)
        var stream = RandomStream(seed: 1, name: "gate data")
        stream.fillUniform(buffer: data.pointer, count: data.count)
        let program = try PhaseProgram(
            phase: spec.phases[0], model: model, store: store, capacity: 8, seed: spec.seed, data: data,
            context: planContext())
        var sampler: PriorSampler? = nil
        let loss = program.step(batch: 8, sampler: &sampler)
        let weights = store.parameters.flatMap { $0.value.values }
        return (weights, program.updatedLastStep, loss)
    }

    /// The term's value on the fixed batch before any update.
    func bceValue() throws -> Double {
        let spec = try SpecLoader.load(text: Self.spec(when: "bce(discriminator(x), 1) < 0"), file: "gate.yaml").get()
        let model = try ShapeInference.run(spec).get()
        let store = ParameterStore(model: model, spec: spec, seed: spec.seed)
        let data = FloatBuffer(count: 8 * 784)
        var stream = RandomStream(seed: 1, name: "gate data")
        stream.fillUniform(buffer: data.pointer, count: data.count)
        let program = try PhaseProgram(
            phase: spec.phases[0], model: model, store: store, capacity: 8, seed: spec.seed, data: data,
            context: planContext())
        program.forward(batch: 8)
        let index = try #require(program.plan.termTexts.firstIndex(of: "bce(discriminator(x), 1)"))
        return program.lastTermContributions[index]
    }

    @Test func aConditionThatFailsLeavesTheWeightsAsTheyWere() throws {
        let held = try step(when: "bce(discriminator(x), 1) < 0")
        let made = try step(when: "bce(discriminator(x), 1) >= 0")
        #expect(!held.updated && made.updated)
        #expect(held.loss == made.loss, "the forward pass runs either way")
        let initial = try step(when: "sse(discriminator(x), 0) < 0").weights
        #expect(held.weights == initial)
        #expect(made.weights != initial)
    }

    @Test func theConditionReadsTheTermsValueAtThisStep() throws {
        let value = try bceValue()
        #expect(try step(when: "bce(discriminator(x), 1) > \(value - 1e-4)").updated)
        #expect(try !step(when: "bce(discriminator(x), 1) > \(value + 1e-4)").updated)
        #expect(try step(when: "bce(discriminator(x), 1) <= \(value + 1e-4)").updated)
    }

    @Test func andBindsCloserThanOr() throws {
        let value = try bceValue()
        let below = value - 1e-4, above = value + 1e-4
        // (false and true) or true: updates; false and (true or true) would not.
        #expect(
            try step(
                when:
                    "bce(discriminator(x), 1) < \(below) and sse(discriminator(x), 0) >= 0 or bce(discriminator(x), 1) < \(above)"
            ).updated)
        // true and false or false: held back.
        #expect(
            try !step(
                when:
                    "bce(discriminator(x), 1) < \(above) and sse(discriminator(x), 0) < 0 or bce(discriminator(x), 1) > \(above)"
            ).updated)
    }
}
