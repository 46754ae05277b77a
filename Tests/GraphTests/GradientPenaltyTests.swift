import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// `gradient_penalty`: its second-order parameter gradients against finite differences of the
/// loss, its value and gradients against PyTorch's double backward, and the chains it refuses.
struct GradientPenaltyTests {
    /// An encoder 6-5-3 and a decoder 3-5-6-sigmoid with the given hidden activations, and `loss`.
    static func spec(_ loss: String, encoder: String = "relu", decoder: String = "relu") -> String {
        """
        data: {source: mnist, shape: [6]}
        networks:
          enc:
            input: [6]
            layers: [dense: 5, \(encoder), dense: 3]
          dec:
            layers: [dense: 5, \(decoder), dense: 6, sigmoid]
        phases:
          - {name: p, loss: "\(loss)", update: [enc, dec]}
        """
    }

    static let penalty = "gradient_penalty(dec(enc(x)), x)"

    /// Smooth activations only: across a relu's kink the penalty jumps (the Jacobian's mask
    /// changes), so finite differences there measure the jump; relu and leaky relu are checked
    /// against PyTorch below.
    @Test(arguments: [("tanh", "tanh"), ("sigmoid", "tanh")])
    func penaltyAloneMatchesFiniteDifferences(encoder: String, decoder: String) throws {
        let check = try GradientCheck(Self.spec("100 * \(Self.penalty)", encoder: encoder, decoder: decoder))
        #expect(check.check(perTensor: 30) > 80)
    }

    /// The penalty adds to the gradient the reconstruction writes into the sigmoid's output, and
    /// to the weight gradients the layers' own backward writes.
    @Test func penaltyBesideTheReconstructionMatchesFiniteDifferences() throws {
        let loss = "sse(dec(enc(x)), x) + 0.5e-1 * sse(enc(x), 0) + 50 * \(Self.penalty)"
        let check = try GradientCheck(Self.spec(loss, encoder: "tanh", decoder: "sigmoid"))
        #expect(check.check(perTensor: 30) > 80)
    }

    /// A phase that trains only the decoder differentiates through the encoder without its weight
    /// gradients (another phase trains the encoder); a chain that applies each network twice writes
    /// each layer's gradient twice.
    @Test(arguments: [
        ("50 * gradient_penalty(dec(enc(x)), x)", "[dec]}\n  - {name: q, loss: \"sse(enc(x), 0)\", update: [enc]"),
        ("sse(dec(enc(x)), x) + 10 * gradient_penalty(dec(enc(dec(enc(x)))), x)", "[enc, dec]"),
    ])
    func partialUpdatesAndRepeatedNetworksMatchFiniteDifferences(loss: String, update: String) throws {
        let text = Self.spec(loss, encoder: "tanh", decoder: "tanh").replacingOccurrences(
            of: "update: [enc, dec]}", with: "update: \(update)}")
        let check = try GradientCheck(text)
        #expect(check.check(perTensor: 30) > 40)
    }

    /// Unfused activations (a plan with fusing off) give the same loss and gradients as fused ones.
    @Test func fusedAndUnfusedPlansAgree() throws {
        let text = Self.spec("sse(dec(enc(x)), x) + \(Self.penalty)", encoder: "tanh", decoder: "tanh")
        let check = try GradientCheck(text)
        try check.expectUnfusedPlanAgrees()
    }

    /// PyTorch 2.x (float64) on the same weights and images, `torch.autograd.grad(recon, x,
    /// grad_outputs=ones, create_graph=True)` then the gradient of the batch mean of its squared
    /// norm: the value, and per tensor Σᵢ gᵢ·cos(i) over its elements in runexp's layout. Made once
    /// (not at test time) with weights sin(0.37·i + 1.3·p + 0.1) for tensor p, element i, and
    /// images x[s][j] = (sin(0.5·(6s + j)) + 1) / 2.
    @Test(arguments: [
        (
            "relu", "relu", 0.8038802360658232,
            [
                -1.0017503873146751, -0.5029098909803862, -1.0791020710856147, -0.5751085179655195,
                -1.355742733176524, 0.2910992950358257, -0.38800535660920976, -0.21457577859448138,
            ]
        ),
        (
            "tanh", "leaky_relu: 0.2", 0.2352636923589353,
            [
                0.04220341603091115, 0.5796890515675271, -0.5373051954293452, -0.12444073828126588,
                0.7000583283823945, 0.039924379689681606, 0.005940050871628924, -0.04207351400833377,
            ]
        ),
    ])
    func valueAndGradientsMatchPyTorch(encoder: String, decoder: String, value: Double, checksums: [Double]) throws {
        let check = try GradientCheck(Self.spec(Self.penalty, encoder: encoder, decoder: decoder))
        check.expectFixture(value: value, checksums: checksums)
    }

    func problems(_ text: String) -> String {
        guard let spec = try? SpecLoader.load(text: text, file: "s.yaml").get() else { return "did not load" }
        if case .failure(let problems) = ShapeInference.run(spec) { return problems.description }
        return ""
    }

    @Test func refusesALayerItCannotDifferentiateTwice() {
        let text = Self.spec(Self.penalty, decoder: "dropout: 0.1")
        let message = problems(text)
        #expect(message.contains("network 'dec' layer 1 is dropout"), "\(message)")
        #expect(message.contains("dense, relu, leaky_relu, sigmoid, tanh, flatten and reshape"))
    }

    @Test func refusesAnOutputThatIsNotNetworksAppliedToTheInput() {
        #expect(problems(Self.spec("gradient_penalty(dec(enc(x)), enc(x))")) == "")
        let message = problems(Self.spec("gradient_penalty(dec(noise(enc(x), 0.1)), x)"))
        #expect(message.contains("'noise(enc(x), 0.1)' is not a network applied to 'x'"), "\(message)")
        #expect(problems(Self.spec("gradient_penalty(x, x)")).contains("at least one network"))
    }
}
