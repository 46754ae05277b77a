import Kernels
import Testing

@testable import Graph
@testable import Spec

/// Whole phases of the adversarial autoencoder: gradients, which networks each phase touches, and
/// reproducibility.
struct PhaseTests {
    static let aae = """
        seed: 5
        data: {source: mnist, shape: [784]}
        prior: {normal: {dim: 3}}
        networks:
          encoder: {layers: [dense: 6, tanh, dense: 3]}
          decoder: {layers: [dense: 6, tanh, dense: 784, sigmoid]}
          discriminator: {layers: [dense: 5, leaky_relu: 0.2, dense: 1]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
          - name: discriminator
            loss: bce_logits(discriminator(z), 1) + bce_logits(discriminator(encoder(x)), 0)
            update: [discriminator]
          - {name: generator, loss: "bce_logits(discriminator(encoder(x)), 1)", update: [encoder]}
        """

    @Test func generatorPhaseGradientsFlowThroughTheFrozenDiscriminator() throws {
        let check = try GradientCheck(Self.aae)
        #expect(check.check(phase: 2) > 10)
    }

    @Test func discriminatorPhaseGradientsMatchFiniteDifferences() throws {
        let check = try GradientCheck(Self.aae)
        #expect(check.check(phase: 1) > 10)
    }

    @Test func aPhaseNeverComputesWeightGradientsOfNetworksItDoesNotUpdate() throws {
        let check = try GradientCheck(Self.aae)
        let generator = check.programs[2]
        // Poison the discriminator's gradients: a phase that wrote them would change them.
        for p in check.store.trainable(in: ["discriminator", "decoder"]) {
            p.gradient!.set(Array(repeating: .nan, count: p.value.count))
        }
        generator.optimizer.zeroGradients()
        generator.forward(batch: 3)
        generator.backward()
        for p in check.store.trainable(in: ["discriminator", "decoder"]) {
            #expect(p.gradient!.values.allSatisfy { $0.isNaN }, "\(p.name) was written by the generator phase")
        }
        #expect(check.store.trainable(in: ["encoder"]).allSatisfy { $0.gradient!.values.contains { $0 != 0 } })
    }

    @Test func theDiscriminatorPhaseDoesNotDifferentiateTheEncoder() throws {
        let check = try GradientCheck(Self.aae)
        let plan = check.programs[1].plan
        let encoderApplications = plan.applications.filter { $0.network == "encoder" }
        #expect(!encoderApplications.isEmpty)
        #expect(encoderApplications.allSatisfy { !plan.values[$0.output].needsGradient })
        let discriminatorDense = plan.applications.filter { $0.network == "discriminator" && $0.layer is Dense }
        #expect(discriminatorDense.count == 4)  // two in each of the phase's two applications
        #expect(discriminatorDense.allSatisfy { $0.computesParameterGradients })
    }

    @Test func aSmallerLastBatchRunsInTheSameBuffers() throws {
        let check = try GradientCheck(Self.aae, capacity: 4)
        let full = check.programs[0].forward(batch: 4)
        let partial = check.programs[0].forward(batch: 1)
        #expect(full.isFinite && partial.isFinite && full != partial)
        #expect(check.check(phase: 0, batch: 2) > 10)
    }

    /// Trains the AAE (or `text`) for a few steps on seeded data and returns every tensor's bits.
    /// The phases of `text`'s spec planned for batches of up to 8 over one shared `x` buffer; with
    /// `sharing`, linked by `shareForwardPasses` as the trainer links them.
    func plannedPhases(_ text: String, seed: UInt64? = nil, fusing: Bool = true, sharing: Bool = false) throws -> (
        spec: ExperimentSpec, store: ParameterStore, data: FloatBuffer, phases: [PhaseProgram]
    ) {
        let spec = try SpecLoader.load(text: text, file: "aae.yaml", seed: seed).get()
        let model = try ShapeInference.run(spec).get()
        let store = ParameterStore(model: model, spec: spec, seed: spec.seed)
        let data = FloatBuffer(count: 8 * (model.dataShape?.elementCount ?? 0))
        let phases = try spec.phases.map {
            try PhaseProgram(
                phase: $0, model: model, store: store, capacity: 8,
                seed: spec.seed, data: data, fusingActivations: fusing, context: planContext())
        }
        if sharing { PhaseProgram.shareForwardPasses(phases) }
        return (spec, store, data, phases)
    }

    func train(
        seed: UInt64, steps: Int = 4, text: String = aae, fusing: Bool = true, updateAfterBackward: Bool = false,
        sharing: Bool = false
    ) throws -> [[UInt32]] {
        let (spec, store, data, phases) = try plannedPhases(text, seed: seed, fusing: fusing, sharing: sharing)
        var sampler: PriorSampler? = spec.prior.map { PriorSampler(prior: $0, seed: spec.seed) }
        var stream = RandomStream(seed: spec.seed, name: "test data")
        for step in 0..<steps {
            stream.fillUniform(buffer: data.pointer, count: data.count)
            let batch = step == steps - 1 ? 5 : 8
            for phase in phases {
                guard updateAfterBackward else {
                    phase.step(batch: batch, sampler: &sampler)
                    continue
                }
                phase.samplePrior(batch: batch, sampler: &sampler!)
                phase.forward(batch: batch)
                phase.optimizer.zeroGradients()
                phase.backward()
                phase.optimizer.apply()
            }
        }
        return store.parameters.map { $0.value.values.map(\.bitPattern) }
    }

    @Test func sameSeedTrainsToBitIdenticalParameters() throws {
        let first = try train(seed: 11), second = try train(seed: 11)
        #expect(first == second)
    }

    @Test func updatingEachLayerAsItsGradientCompletesEqualsUpdatingAfterBackward() throws {
        let during = try train(seed: 11), after = try train(seed: 11, updateAfterBackward: true)
        #expect(during == after)
    }

    @Test func fusingActivationsIntoDenseLayersChangesNoBits() throws {
        let fused = try train(seed: 11), separate = try train(seed: 11, fusing: false)
        #expect(fused == separate)
    }

    @Test func fusingActivationsIntoConvolutionsChangesNoBits() throws {
        let cnn = """
            data: {source: mnist-m}
            networks:
              encoder:
                layers:
                  - conv2d: {filters: 4, kernel: 3, stride: 2, padding: 1}
                  - relu
                  - conv2d: {filters: 4, kernel: 3, stride: 2, padding: 1}
                  - leaky_relu: 0.1
                  - flatten
                  - dense: 5
              decoder:
                layers:
                  - dense: 196
                  - tanh
                  - reshape: [7, 7, 4]
                  - conv2d_transpose: {filters: 4, kernel: 3, stride: 2, padding: 1, output_padding: 1}
                  - relu
                  - conv2d_transpose: {filters: 3, kernel: 3, stride: 2, padding: 1, output_padding: 1}
                  - sigmoid
            phases:
              - {name: r, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
            """
        let fused = try train(seed: 3, steps: 3, text: cnn),
            separate = try train(seed: 3, steps: 3, text: cnn, fusing: false)
        #expect(fused == separate)
        #expect(fused.joined().contains { $0 != 0 })
    }

    @Test func anActivationFollowingADenseLayerRunsInsideIt() throws {
        let check = try GradientCheck(Self.aae)
        let plan = check.programs[0].plan
        #expect(plan.applications.allSatisfy { !($0.layer is any ActivationLayer) })
        #expect(plan.applications.map(\.epilogue) == [.tanh, .identity, .tanh, .sigmoid])
    }

    @Test func anotherSeedTrainsToOtherParameters() throws {
        let first = try train(seed: 11), other = try train(seed: 12)
        #expect(first != other)
    }

    @Test func trainingLowersTheReconstructionLoss() throws {
        let spec = try SpecLoader.load(
            text: Self.aae, file: "aae.yaml", overrides: ["phases.reconstruction.optimizer.adam.lr=0.01"]
        ).get()
        let model = try ShapeInference.run(spec).get()
        let store = ParameterStore(model: model, spec: spec, seed: 1)
        let program = try PhaseProgram(
            phase: spec.phases[0], model: model, store: store, capacity: 8, seed: 1, context: planContext())
        // Every sample shows the same pattern, which a 3-d code can hold; noise could not be learned.
        var stream = RandomStream(seed: 1, name: "test data")
        stream.fillUniform(buffer: program.data!.pointer, count: 784)
        for row in 1..<8 { (program.data!.pointer + row * 784).update(from: program.data!.pointer, count: 784) }
        var none: PriorSampler?
        let first = program.step(batch: 8, sampler: &none)
        var last = first
        for _ in 0..<60 { last = program.step(batch: 8, sampler: &none) }
        #expect(last < first * 0.5)
    }
}
