import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// Builds a one-phase experiment from a spec and checks its analytic gradients against central
/// finite differences of the loss.
///
/// Float32 arithmetic bounds what finite differences can show: with a step of 1e-2 the truncation
/// error (∝ step² · third derivative) and the round-off (≈ 1e-7 · |loss| / step) both stay near 1e-4
/// for these tiny, smooth networks, so a gradient passes when it is within 2e-3 + 2% of the numeric
/// one. A wrong formula misses by far more (a dropped term or a transposed weight is off by O(1)).
struct GradientCheck {
    let spec: ExperimentSpec
    let model: ModelSummary
    let store: ParameterStore
    let programs: [PhaseProgram]
    static let step: Float = 1e-2

    init(_ text: String, capacity: Int = 3, seed: UInt64 = 3, library: ProductLibrary = .openBLAS) throws {
        spec = try SpecLoader.load(text: text, file: "check.yaml").get()
        model = try ShapeInference.run(spec).get()
        store = ParameterStore(model: model, spec: spec, seed: seed)
        let data = FloatBuffer(count: capacity * (model.dataShape?.elementCount ?? 0))
        var stream = RandomStream(seed: seed, name: "gradient-check data")
        stream.fillUniform(buffer: data.pointer, count: data.count, lower: 0.05, upper: 0.95)
        var programs: [PhaseProgram] = []
        for phase in spec.phases {
            programs.append(
                try PhaseProgram(
                    phase: phase, model: model, store: store, capacity: capacity,
                    seed: seed, data: data, context: planContext(library)))
        }
        self.programs = programs
        for program in programs {
            guard let labels = program.labels else { continue }
            for sample in 0..<capacity { labels.pointer[sample] = Float((sample * 7 + 3) % 10) }
        }
        if let prior = spec.prior {
            var sampler = PriorSampler(prior: prior, seed: seed)
            for program in programs { program.samplePrior(batch: capacity, sampler: &sampler) }
        }
    }

    /// Convolution layers of the first phase that run on oneDNN's primitives.
    var convolutionsServedByOneDNN: Int {
        programs[0].productServers.filter { $0.hasSuffix("oneDNN convolution") }.count
    }

    /// The loss of phase `index`, with the dropout masks and noise of the first evaluation replayed.
    func loss(_ index: Int, batch: Int, dropout: RandomStream, noise: RandomStream? = nil) -> Double {
        programs[index].dropout = dropout
        if let noise { programs[index].noise = noise }
        return programs[index].forward(batch: batch)
    }

    /// Checks every trainable tensor of `networks` (up to `perTensor` elements each) in phase `index`.
    /// Returns the number of elements compared.
    @discardableResult
    func check(phase index: Int = 0, networks: [String]? = nil, batch: Int = 3, perTensor: Int = 12) -> Int {
        let program = programs[index]
        let dropout = program.dropout, noise = program.noise
        // Stale NaNs: backward must overwrite (first writer) or add to its own earlier writes, never
        // read what a previous step left behind.
        for parameter in store.parameters {
            parameter.gradient?.set(Array(repeating: .nan, count: parameter.value.count))
        }
        _ = loss(index, batch: batch, dropout: dropout, noise: noise)
        program.backward()
        var compared = 0
        let names = networks ?? spec.phases[index].update.map(\.name)
        for parameter in store.trainable(in: names) {
            let analytic = parameter.gradient!.values
            let stride = max(1, parameter.value.count / perTensor)
            for element in Swift.stride(from: 0, to: parameter.value.count, by: stride) {
                let saved = parameter.value.pointer[element]
                parameter.value.pointer[element] = saved + Self.step
                let plus = loss(index, batch: batch, dropout: dropout, noise: noise)
                parameter.value.pointer[element] = saved - Self.step
                let minus = loss(index, batch: batch, dropout: dropout, noise: noise)
                parameter.value.pointer[element] = saved
                let numeric = Float((plus - minus) / Double(2 * Self.step))
                let tolerance = 2e-3 + 0.02 * abs(numeric)
                #expect(
                    abs(analytic[element] - numeric) <= tolerance,
                    "\(parameter.name)[\(element)]: analytic \(analytic[element]), numeric \(numeric)")
                compared += 1
            }
        }
        return compared
    }

    /// A spec around one network `net` applied to the data, with `loss` written around `net(x)`.
    static func spec(data: String, layers: String, loss: String = "sse(net(x), 0.5)") -> String {
        """
        data: \(data)
        networks:
          net:
            layers: \(layers)
        phases:
          - {name: p, loss: "\(loss)", update: [net]}
        """
    }

    /// Sets every tensor and the three 6-value samples to the fixed pattern the PyTorch fixtures
    /// use, runs phase 0 forward and backward, and expects PyTorch's loss and, per tensor, the
    /// checksum Σ gradient[i]·cos(i) it printed.
    func expectFixture(value: Double, checksums: [Double]) {
        for (p, parameter) in store.parameters.enumerated() {
            parameter.value.set(
                (0..<parameter.value.count).map { Float(sin(0.37 * Double($0) + 1.3 * Double(p) + 0.1)) })
        }
        let data = programs[0].data!
        for s in 0..<3 {
            for j in 0..<6 { data.pointer[s * 6 + j] = Float((sin(0.5 * Double(s * 6 + j)) + 1) / 2) }
        }
        let loss = programs[0].forward(batch: 3)
        #expect(abs(loss - value) <= 1e-5 * value, "value \(loss), PyTorch \(value)")
        programs[0].backward()
        #expect(store.parameters.count == checksums.count)
        for (parameter, expected) in zip(store.parameters, checksums) {
            let sum = parameter.gradient!.values.enumerated().reduce(0.0) {
                $0 + Double($1.element) * cos(Double($1.offset))
            }
            #expect(
                abs(sum - expected) <= 1e-4 * max(abs(expected), 0.1), "\(parameter.name): \(sum), PyTorch \(expected)")
        }
    }

    /// Plans phase 0 again with activations unfused and expects the same loss and gradients as
    /// the fused plan, on the same weights and images.
    func expectUnfusedPlanAgrees() throws {
        let unfused = try PhaseProgram(
            phase: spec.phases[0], model: model, store: store, capacity: 3, seed: 3, data: programs[0].data,
            fusingActivations: false, context: planContext(.openBLAS))
        let fusedLoss = programs[0].forward(batch: 3)
        programs[0].backward()
        let fused = store.parameters.map { $0.gradient!.values }
        let unfusedLoss = unfused.forward(batch: 3)
        unfused.backward()
        #expect(abs(fusedLoss - unfusedLoss) <= 1e-6 * abs(fusedLoss))
        for (parameter, expected) in zip(store.parameters, fused) {
            for (a, b) in zip(parameter.gradient!.values, expected) {
                #expect(abs(a - b) <= 1e-5 + 1e-4 * abs(b), "\(parameter.name)")
            }
        }
    }
}
