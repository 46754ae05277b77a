import Kernels
import Testing

@testable import Graph
@testable import Spec

/// `updated(phase)` is 1 when that phase updates at the step and 0 when its `when:` holds it back:
/// a term it multiplies counts, in the loss and in the gradient, exactly as written or not at all.
struct PhaseUpdatedTests {
    static func spec(_ loss: String) -> String {
        """
        seed: 3
        data: {source: mnist, shape: [784]}
        networks:
          judge: {layers: [dense: 5, relu, dense: 1, sigmoid]}
          other: {layers: [dense: 3]}
        phases:
          - name: first
            loss: \(loss)
            update: [judge]
          - name: second
            loss: mse(other(x), 0)
            update: [other]
        train: {updates: together}
        """
    }

    /// The first phase's settled loss and the judge's weights after one step on a fixed batch,
    /// with `updates` as the step's decisions.
    func step(_ loss: String, updates: [Bool]) throws -> (loss: Double, weights: [Float]) {
        let spec = try SpecLoader.load(text: Self.spec(loss), file: "updated.yaml").get()
        let model = try ShapeInference.run(spec).get()
        let store = ParameterStore(model: model, spec: spec, seed: spec.seed)
        let data = FloatBuffer(count: 8 * 784)
        var stream = RandomStream(seed: 1, name: "updated data")
        stream.fillUniform(buffer: data.pointer, count: data.count)
        let program = try PhaseProgram(
            phase: spec.phases[0], model: model, store: store, capacity: 8, seed: spec.seed, data: data,
            context: planContext())
        var sampler: PriorSampler? = nil
        program.forwardStep(batch: 8, sampler: &sampler)
        let settled = program.settle(updates: updates)
        program.backwardStep()
        program.applyStep()
        return (settled, store.trainable(in: ["judge"]).flatMap { $0.value.values })
    }

    @Test func aTermTimesUpdatedCountsOnlyWhenThatPhaseUpdates() throws {
        let gated = "bce(judge(x), 1) + updated(second) * 0.5 * sse(judge(x), 0)"
        let held = try step(gated, updates: [true, false])
        let made = try step(gated, updates: [true, true])
        let without = try step("bce(judge(x), 1)", updates: [true, true])
        let with = try step("bce(judge(x), 1) + 0.5 * sse(judge(x), 0)", updates: [true, true])
        #expect(held.loss == without.loss && held.weights == without.weights)
        #expect(made.loss == with.loss && made.weights == with.weights)
        #expect(held.weights != made.weights)
    }

    @Test func aMeasuredLossCountsEveryPhaseAsUpdating() throws {
        let expression = ScalarExpression.multiply(.updated(1), .term(0))
        #expect(expression.value([2.5]) == 2.5)
        #expect(expression.value([2.5], updates: [true, false]) == 0)
    }
}
