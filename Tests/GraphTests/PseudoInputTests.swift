import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// Rows of their own beside the batch (`eye(k)` and what networks make of it), the mixture density
/// VAMP's prior reads from them, and the `hardtanh` layer that keeps its pseudo-inputs in range.
struct PseudoInputTests {
    /// A spec with the gradient checks' encoder and decoder, a `pseudo` network turning `eye(4)`
    /// into four pseudo-inputs, and `loss`. Its `hardtanh` clamps nothing there, so that finite
    /// differences never step across a bound.
    static func spec(_ loss: String) -> String {
        """
        data: {source: mnist, shape: [6]}
        networks:
          enc:
            input: [6]
            layers: [dense: 5, tanh, dense: 6]
            outputs: {mu: 3, logvar: 3}
          dec:
            layers: [dense: 4, tanh, dense: 6]
          pseudo:
            layers: [dense: 6, hardtanh: {min: -4, max: 4}]
        phases:
          - {name: p, loss: "\(loss)", update: [enc, dec, pseudo]}
        """
    }

    static let z = "sample_normal(enc(x).mu, enc(x).logvar)"
    static let vamp =
        "sse(dec(\(z)), x) + mean(log_normal(\(z), enc(x).mu, enc(x).logvar) - log_mixture_normal(\(z), enc(pseudo(eye(4))).mu, enc(pseudo(eye(4))).logvar))"

    @Test func vampPriorGradientsReachTheEncoderDecoderAndPseudoInputs() throws {
        let check = try GradientCheck(Self.spec(Self.vamp))
        #expect(check.check() > 40)
    }

    @Test func pseudoInputRowsDoNotFollowTheBatch() throws {
        let spec = try SpecLoader.load(text: Self.spec(Self.vamp), file: "check.yaml").get()
        let model = try ShapeInference.run(spec).get()
        let nodes = model.phases[0].resolved.nodes
        let pseudo = nodes.filter { if case .network("pseudo", _) = $0.operation { true } else { false } }
        #expect(pseudo.map(\.rows) == [.fixed(4)])
        let mixture = nodes.first { $0.text.hasPrefix("log_mixture_normal") }
        #expect(mixture?.rows == .perSample(1))
        // Batches of 3 and of 2 samples both read the same four pseudo-inputs.
        let check = try GradientCheck(Self.spec(Self.vamp))
        let three = check.programs[0].forward(batch: 3), two = check.programs[0].forward(batch: 2)
        #expect(three.isFinite && two.isFinite && three != two)
    }

    @Test func aMixtureOfTwoNormalsAveragesTheirDensities() {
        let z = FloatBuffer(count: 1), mu = FloatBuffer(count: 2), logvar = FloatBuffer(count: 2)
        let output = FloatBuffer(count: 1), scratch = FloatBuffer(count: 2)
        mu.set([0, 2])
        logvar.set([0, log(4)])
        let buffers = FunctionBuffers(
            batch: 1, inputShapes: [[1], [1], [1]], outputShape: [1], inputs: [z.pointer, mu.pointer, logvar.pointer],
            output: output.pointer, dInputs: [nil, nil, nil], dOutput: scratch.pointer, scratch: scratch.pointer)
        var random = RandomStream(seed: 1, name: "unused")
        LogMixtureNormal(width: 1, components: 2, draws: 1).forward(buffers, random: &random)
        // ½ (N(0; 0, 1) + N(0; 2, 4)).
        let density = 0.5 * (exp(-0.0) / sqrt(2 * Double.pi) + exp(-0.5) / sqrt(2 * Double.pi * 4))
        #expect(abs(Double(output.values[0]) - log(density)) < 1e-5)
    }

    @Test func aMixtureOfComponentsFarApartDoesNotUnderflow() {
        let z = FloatBuffer(count: 1), mu = FloatBuffer(count: 2), logvar = FloatBuffer(count: 2)
        let output = FloatBuffer(count: 1), scratch = FloatBuffer(count: 2)
        z.set([100])
        mu.set([0, 1])
        logvar.set([0, 0])
        let buffers = FunctionBuffers(
            batch: 1, inputShapes: [[1], [1], [1]], outputShape: [1], inputs: [z.pointer, mu.pointer, logvar.pointer],
            output: output.pointer, dInputs: [nil, nil, nil], dOutput: scratch.pointer, scratch: scratch.pointer)
        var random = RandomStream(seed: 1, name: "unused")
        LogMixtureNormal(width: 1, components: 2, draws: 1).forward(buffers, random: &random)
        // log ½ (e^{−5000} + e^{−4900.5}) / √(2π), dominated by the nearer component.
        let expected = -4900.5 - 0.5 * log(2 * Double.pi) + log(0.5 * (1 + exp(-99.5)))
        #expect(abs(Double(output.values[0]) - expected) < 1e-2)
    }

    @Test func hardtanhClampsAndPassesGradientsOnlyInsideItsRange() throws {
        let run = try LayerHarness(
            Hardtanh(minimum: 0, maximum: 1), input: [-2, 0.25, 0.75, 3], inputShape: [2], batch: 2, parameters: [],
            dOutput: [1, 2, 3, 4])
        #expect(run.output == [0, 0.25, 0.75, 1])
        #expect(run.dInput == [0, 2, 3, 0])
    }

    @Test func eyeOfAFractionIsRefused() throws {
        let spec = try SpecLoader.load(text: Self.spec("sse(pseudo(eye(2.5)), 0)"), file: "check.yaml").get()
        guard case .failure(let problems) = ShapeInference.run(spec) else {
            Issue.record("eye(2.5) was accepted")
            return
        }
        #expect(
            problems.diagnostics.map(\.message).contains {
                $0.contains("the size of eye must be a whole number; found 2.5")
            })
    }
}
