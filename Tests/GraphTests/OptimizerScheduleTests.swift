import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// Learning-rate schedules, warm-up, gradient clipping and AdamW, from the spec to the update.
struct OptimizerScheduleTests {
    /// A phase's optimizer as the spec `optimizer` decodes, over one tensor of `values`.
    func optimizer(_ optimizer: String, values: [Float]) throws -> (PhaseOptimizer, Parameter) {
        let spec = try SpecLoader.load(
            text: """
                data: {source: mnist, shape: [784]}
                networks:
                  net: {layers: [dense: 2]}
                phases:
                  - {name: p, loss: "mse(net(x), 0)", update: [net], optimizer: \(optimizer)}
                """, file: "o.yaml"
        ).get()
        let parameter = Parameter(network: "net", layer: 0, shape: ParameterShape(name: "w", shape: [values.count]))
        parameter.value.set(values)
        let phase = spec.phases[0]
        return (PhaseOptimizer(spec: phase.optimizer, schedule: phase.schedule, parameters: [parameter]), parameter)
    }

    @Test func anUpdateMovesTheBytesOfItsValuesGradientsAndMoments() throws {
        let values = [Float](repeating: 1, count: 10)
        #expect(try optimizer("{adam: {lr: 0.001}}", values: values).0.bytesPerUpdate == 10 * 4 * 7)
        #expect(try optimizer("{sgd: {lr: 0.1, momentum: 0.9}}", values: values).0.bytesPerUpdate == 10 * 4 * 5)
        #expect(try optimizer("{sgd: {lr: 0.1}}", values: values).0.bytesPerUpdate == 10 * 4 * 3)
    }

    @Test func aNetworksOwnWeightDecayShrinksOnlyThatNetworksTensors() throws {
        let spec = try SpecLoader.load(
            text: """
                data: {source: mnist, shape: [784]}
                networks:
                  enc: {layers: [dense: 2]}
                  dec: {layers: [dense: 784]}
                phases:
                  - {name: p, loss: "mse(dec(enc(x)), x)", update: [enc, dec], optimizer: {sgd: {lr: 1, weight_decay: {dec: 0.25}}}}
                """, file: "o.yaml"
        ).get()
        let parameters = ["enc", "dec"].map { network in
            let parameter = Parameter(network: network, layer: 0, shape: ParameterShape(name: "w", shape: [2]))
            parameter.value.set([1, -2])
            parameter.gradient?.zero()
            return parameter
        }
        let phase = spec.phases[0]
        PhaseOptimizer(spec: phase.optimizer, schedule: phase.schedule, parameters: parameters).apply()
        // With a zero gradient, SGD moves a tensor by −lr · decay · value, and only the decoder decays.
        #expect(parameters[0].value.values == [1, -2])
        #expect(parameters[1].value.values == [0.75, -1.5])
    }

    @Test func aCosineScheduleRunsFromItsStartToItsEnd() throws {
        let (optimizer, _) = try optimizer("{sgd: {lr: {cosine: {start: 0.1, end: 0.001}}}}", values: [0])
        optimizer.totalSteps = 101
        optimizer.beginStep()
        #expect(abs(optimizer.currentRate - 0.1) < 1e-12)
        for _ in 0..<50 { optimizer.beginStep() }
        #expect(abs(optimizer.currentRate - (0.001 + 0.099 / 2)) < 1e-9)
        for _ in 0..<50 { optimizer.beginStep() }
        #expect(abs(optimizer.currentRate - 0.001) < 1e-12)
    }

    @Test func aStepScheduleMultipliesByItsFactorEveryFewEpochs() throws {
        let (optimizer, _) = try optimizer(
            "{adam: {lr: {step: {start: 0.01, every_epochs: 2, factor: 0.5}}}}", values: [0])
        optimizer.stepsPerEpoch = 10
        var rates: [Double] = []
        for _ in 0..<60 {
            optimizer.beginStep()
            rates.append(optimizer.currentRate)
        }
        // Epochs 1–2 at 0.01, 3–4 at 0.005, 5–6 at 0.0025.
        #expect(rates[0] == 0.01 && rates[19] == 0.01 && rates[20] == 0.005 && rates[59] == 0.0025)
    }

    @Test func warmUpRisesLinearlyToTheScheduledRate() throws {
        let (optimizer, _) = try optimizer("{adam: {lr: 0.002, warmup_steps: 4}}", values: [0])
        var rates: [Double] = []
        for _ in 0..<6 {
            optimizer.beginStep()
            rates.append(optimizer.currentRate)
        }
        #expect(rates == [0.0005, 0.001, 0.0015, 0.002, 0.002, 0.002])
    }

    @Test func clippingScalesTheGradientsToTheirNormLimit() throws {
        let (optimizer, parameter) = try optimizer("{sgd: {lr: 1, clip_norm: 1.0}}", values: [0, 0])
        parameter.gradient!.set([3, 4])
        #expect(optimizer.clipGradients() == 5)
        #expect(parameter.gradient!.values == [0.6, 0.8])
        parameter.gradient!.set([0.3, 0.4])
        optimizer.clipGradients()
        #expect(parameter.gradient!.values == [0.3, 0.4])
        #expect(optimizer.updatesAfterBackward)
    }

    @Test func adamwShrinksWeightsDirectlyWhereAdamAddsDecayToTheGradient() throws {
        let (adamw, w) = try optimizer("{adamw: {lr: 0.1, weight_decay: 0.5}}", values: [2])
        let (adam, v) = try optimizer("{adam: {lr: 0.1, weight_decay: 0.5}}", values: [2])
        for (optimizer, parameter) in [(adamw, w), (adam, v)] {
            parameter.gradient!.set([0])
            optimizer.apply()
        }
        // AdamW: w ← w·(1 − lr·decay) and no gradient step; Adam: the decay is the whole gradient,
        // so its normalized step moves the weight by lr.
        #expect(abs(w.value.values[0] - 2 * (1 - 0.05)) < 1e-6)
        #expect(abs(v.value.values[0] - (2 - 0.1)) < 1e-5)
    }

    @Test func checkDescribesTheSchedule() throws {
        let schedule = OptimizerSchedule(learningRate: .cosine(end: 1e-5), warmupSteps: 500, clipNorm: 1)
        #expect(
            schedule.describe(.adam(lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0))
                == "adam lr=0.001 cosine→1e-05 warmup=500 clip=1.0")
    }
}
