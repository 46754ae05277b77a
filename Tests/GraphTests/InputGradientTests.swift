import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// `input_gradient`: its value against finite differences, a loss reading it against PyTorch's
/// `torch.autograd.grad` without `create_graph` (pythae's HVAE), and the calls it refuses.
struct InputGradientTests {
    /// Jᵀ·g of z ↦ sigmoid(tanh(z·W1 + b1)·W2 + b2) for two samples, written by hand as the planner
    /// would plan it, against central differences of Σ g ⊙ f(z) in double precision.
    @Test func valueMatchesFiniteDifferences() {
        let (n, d, h, o) = (2, 3, 5, 6)
        func values(_ count: Int, _ phase: Double) -> [Double] { (0..<count).map { sin(0.37 * Double($0) + phase) } }
        let w1 = values(d * h, 0.1), b1 = values(h, 1.4), w2 = values(h * o, 2.7), b2 = values(o, 4.0)
        let z = values(n * d, 5.3), seed = values(n * o, 6.6)
        func chain(_ z: [Double]) -> (hidden: [Double], output: [Double]) {
            var hidden = [Double](repeating: 0, count: n * h), output = [Double](repeating: 0, count: n * o)
            for s in 0..<n {
                for j in 0..<h {
                    hidden[s * h + j] = tanh(b1[j] + (0..<d).reduce(0) { $0 + z[s * d + $1] * w1[$1 * h + j] })
                }
                for k in 0..<o {
                    let a = b2[k] + (0..<h).reduce(0) { $0 + hidden[s * h + $1] * w2[$1 * o + k] }
                    output[s * o + k] = 1 / (1 + exp(-a))
                }
            }
            return (hidden, output)
        }
        func buffer(_ v: [Double]) -> FloatBuffer {
            let b = FloatBuffer(count: v.count)
            b.set(v.map(Float.init))
            return b
        }
        let (hidden, output) = chain(z)
        let tensors = [w1, b1, w2, b2].map(buffer), inputs = [z, hidden, output, seed].map(buffer)
        let layer = TermParameterLayer(network: "dec", layer: 0, trains: false)
        let function = InputGradient(
            steps: [
                .dense(inputs: d, units: h, parameterLayer: 0), .activation(.tanh, width: h, input: 1),
                .dense(inputs: h, units: o, parameterLayer: 1), .activation(.sigmoid, width: o, input: 2),
            ], parameterLayers: [layer, layer], widths: [d, h, h, o, o])
        let result = FloatBuffer(count: n * d)
        let scratch = FloatBuffer(count: function.scratch(inputs: [], output: [d], batch: n))
        var buffers = FunctionBuffers(
            batch: n, inputShapes: [[d], [h], [o], [o]], outputShape: [d], inputs: inputs.map(\.pointer),
            output: result.pointer, dInputs: [nil, nil, nil, nil], dOutput: result.pointer, scratch: scratch.pointer)
        buffers.parameters = [[tensors[0].pointer, tensors[1].pointer], [tensors[2].pointer, tensors[3].pointer]]
        var random = RandomStream(seed: 0, name: "unused")
        function.forward(buffers, random: &random)
        let step = 1e-5
        for i in 0..<(n * d) {
            var up = z, down = z
            up[i] += step
            down[i] -= step
            let difference =
                zip(chain(up).output, seed).reduce(0) { $0 + $1.0 * $1.1 }
                - zip(chain(down).output, seed).reduce(0) { $0 + $1.0 * $1.1 }
            let expected = difference / (2 * step)
            #expect(abs(Double(result.values[i]) - expected) <= 1e-5 + 1e-4 * abs(expected), "z[\(i)]")
        }
    }

    /// An encoder 6-5-3 and a decoder 3-5-6-sigmoid with the given hidden activations, and `loss`.
    static func spec(_ loss: String, encoder: String, decoder: String) -> String {
        GradientPenaltyTests.spec(loss, encoder: encoder, decoder: decoder)
    }

    /// One leapfrog-like step: z − ½·∂(½‖dec(z) − x‖²)/∂z, then its reconstruction.
    static let step =
        "sse(dec(enc(x) - 0.5 * input_gradient(dec(enc(x)), enc(x), dec(enc(x)) - x)), x)"

    /// PyTorch 2.x (float64) on the same weights and images: `g = torch.autograd.grad(0.5 *
    /// ((dec(z) - x)**2).sum(), z)[0]` (no `create_graph`, as pythae's HVAE), then the batch mean
    /// of ‖dec(z − 0.5·g) − x‖² and its gradients, per tensor Σᵢ gradᵢ·cos(i) in runexp's layout.
    /// Weights sin(0.37·i + 1.3·p + 0.1) for tensor p, element i; images x[s][j] =
    /// (sin(0.5·(6s + j)) + 1) / 2 (as GradientPenaltyTests).
    @Test(arguments: [
        (
            "tanh", "tanh", 1.272431036498751,
            [
                0.0820798164891748, 0.1386844951515166, 0.13141079813347575, 0.35557185853921947,
                1.1994136415375545, 0.02111821107682852, -0.265498343800323, 0.19740295634672816,
            ]
        ),
        (
            "relu", "leaky_relu: 0.2", 1.2810942518201704,
            [
                0.29168496806492206, 0.48335485796783917, 0.3821302477632808, 0.5530857604387777,
                1.7437182757916556, -0.2415057686929474, -0.10567556029215411, 0.21143477558998475,
            ]
        ),
    ])
    func aLossReadingItMatchesPyTorch(encoder: String, decoder: String, value: Double, checksums: [Double]) throws {
        let check = try GradientCheck(Self.spec(Self.step, encoder: encoder, decoder: decoder))
        check.expectFixture(value: value, checksums: checksums)
    }

    /// Unfused activations (a plan with fusing off) give the same loss and gradients as fused ones,
    /// with three posterior draws per image read against one image each.
    @Test func fusedAndUnfusedPlansAgreeOverSeveralDraws() throws {
        let draw = "sample_normal(enc(x), enc(x), k: 3)"
        let step = "\(draw) - 0.5 * input_gradient(dec(\(draw)), \(draw), dec(\(draw)) - x)"
        let loss = "-mean(log_bernoulli_logits(dec(\(step)), x))"
        let check = try GradientCheck(Self.spec(loss, encoder: "tanh", decoder: "tanh"))
        try check.expectUnfusedPlanAgrees()
    }

    func problems(_ text: String) -> String {
        guard let spec = try? SpecLoader.load(text: text, file: "s.yaml").get() else { return "did not load" }
        if case .failure(let problems) = ShapeInference.run(spec) { return problems.description }
        return ""
    }

    @Test func refusesASeedOfAnotherShapeAndAChainItCannotRunBackward() {
        #expect(problems(Self.spec(Self.step, encoder: "relu", decoder: "relu")) == "")
        let seed = problems(
            Self.spec("sse(input_gradient(dec(enc(x)), enc(x), enc(x)), 0)", encoder: "relu", decoder: "relu"))
        #expect(
            seed.contains("the seed of input_gradient has the shape of its first argument, [6]; found [3]"), "\(seed)")
        let dropout = problems(Self.spec(Self.step, encoder: "relu", decoder: "dropout: 0.1"))
        #expect(dropout.contains("input_gradient differentiates through dense, relu"), "\(dropout)")
        #expect(dropout.contains("network 'dec' layer 1 is dropout"), "\(dropout)")
        let chain = problems(
            Self.spec("sse(input_gradient(dec(noise(enc(x), 0.1)), enc(x), x), 0)", encoder: "relu", decoder: "relu"))
        #expect(chain.contains("'noise(enc(x), 0.1)' is not a network applied to 'enc(x)'"), "\(chain)")
    }
}
