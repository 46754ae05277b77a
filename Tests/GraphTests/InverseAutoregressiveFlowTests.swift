import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// `iaf` flows on [code, log-determinant] rows: gradients against finite differences of a VAE-IAF
/// loss, the Jacobian's shape and determinant, and pythae's own IAF on the same weights.
struct InverseAutoregressiveFlowTests {
    static let z0 = "sample_normal(enc(x).mu, enc(x).logvar)"
    static let flowed = "f(concat(\(z0), 0))"

    @Test func flowCodeAndLogDeterminantGradientsMatch() throws {
        let loss =
            "sse(dec(\(Self.flowed).code), x) + mean(log_normal(\(Self.z0), enc(x).mu, enc(x).logvar) - \(Self.flowed).logdet - log_normal(\(Self.flowed).code))"
        let spec = """
            data: {source: mnist, shape: [6]}
            networks:
              enc:
                input: [6]
                layers: [dense: 5, tanh, dense: 8]
                outputs: {mu: 4, logvar: 4}
              f:
                layers: [iaf: {hidden: [5, 6]}, iaf: 7]
                outputs: {code: 4, logdet: 1}
              dec:
                layers: [dense: 4, tanh, dense: 6]
            phases:
              - {name: p, loss: "\(loss)", update: [enc, f, dec]}
            """
        // A step of 1e-2 moves some of the MADE's ReLU inputs across zero for most seeds, where a
        // difference quotient is no derivative; seed 2 crosses none (the autograd case below has
        // no such limit).
        let check = try GradientCheck(spec, seed: 2)
        #expect(check.check() > 100)
    }

    /// Deterministic values for tensor `tensor` of runexp's layer `layer` (the reference script's).
    static func values(layer: Int, tensor: Int, count: Int) -> [Float] {
        (0..<count).map { Float(0.5 * sin(1.3 * Double($0) + 0.7 * Double(tensor) + 0.1 + 2.1 * Double(layer))) }
    }

    static func parameters(_ flow: InverseAutoregressiveFlow, layer: Int, d: Int) -> [[Float]] {
        flow.parameters(for: [d + 1]).enumerated().map {
            values(layer: layer, tensor: $0.offset, count: $0.element.shape.elementCount)
        }
    }

    static func run(_ flow: InverseAutoregressiveFlow, layer: Int, rows: [Float], batch: Int) throws -> [Float] {
        let d = rows.count / batch - 1
        return try LayerHarness(
            flow, input: rows, inputShape: [d + 1], batch: batch, parameters: parameters(flow, layer: layer, d: d),
            dOutput: Array(repeating: 0, count: rows.count)
        ).output
    }

    @Test func eachOutputSeesOnlyTheValuesBeforeItAndTheLogDeterminantIsTheJacobians() throws {
        let flow = InverseAutoregressiveFlow(hidden: [5, 4])
        let z: [Float] = [0.2, -0.4, 0.9]
        let output = try Self.run(flow, layer: 0, rows: z + [0.5], batch: 1)
        var jacobian = [[Double]](repeating: [0, 0, 0], count: 3)
        for j in 0..<3 {
            var plus = z, minus = z
            plus[j] += 1e-2
            minus[j] -= 1e-2
            let (fp, fm) = (
                try Self.run(flow, layer: 0, rows: plus + [0], batch: 1),
                try Self.run(flow, layer: 0, rows: minus + [0], batch: 1)
            )
            for i in 0..<3 { jacobian[i][j] = Double(fp[i] - fm[i]) / 2e-2 }
        }
        // The code is reversed first: output i reads z[2], …, z[2 − i] only.
        for i in 0..<3 {
            for j in 0..<3 where 2 - j > i { #expect(jacobian[i][j] == 0, "∂out\(i)/∂z\(j)") }
        }
        let m = jacobian
        let determinant =
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        #expect(abs(Double(output[3]) - (0.5 + log(abs(determinant)))) < 1e-3)
    }

    /// pythae 0.1.2's `IAF(IAFConfig(input_dim=(3,), n_made_blocks=2, n_hidden_in_made=2,
    /// hidden_size=4)).inverse(z)` with these weights (its last block is runexp's first layer: its
    /// inverse runs the blocks backwards), printed by PyTorch.
    @Test func twoLayersMatchPythaesInverseAutoregressiveFlow() throws {
        let flow = InverseAutoregressiveFlow(hidden: [4, 4])
        let z: [Float] = [0.2, -0.4, 0.9, 0, 1.1, 0.3, -0.6, 0]
        let once = try Self.run(flow, layer: 0, rows: z, batch: 2)
        let twice = try Self.run(flow, layer: 1, rows: once, batch: 2)
        let pythae: [Float] = [-0.291055, -0.626669, 1.47878, 0.044037, 0.245652, 0.202392, -0.808267, 0.094895]
        for (index, (ours, theirs)) in zip(twice, pythae).enumerated() {
            #expect(abs(ours - theirs) < 1e-5, "value \(index): runexp \(ours), pythae \(theirs)")
        }
    }

    @Test func aMaskedWeightChangesNothingAndGetsNoGradient() throws {
        let flow = InverseAutoregressiveFlow(hidden: [4])
        var parameters = Self.parameters(flow, layer: 0, d: 3)
        let rows: [Float] = [0.2, -0.4, 0.9, 0]
        let dOutput: [Float] = [1, -0.5, 0.25, 1]
        let before = try LayerHarness(
            flow, input: rows, inputShape: [4], batch: 1, parameters: parameters, dOutput: dOutput)
        // Input 2 has degree 2, above every hidden unit's (k mod 2): weight0[2, ·] is cut.
        parameters[0][2 * 4 + 1] += 3
        let after = try LayerHarness(
            flow, input: rows, inputShape: [4], batch: 1, parameters: parameters, dOutput: dOutput)
        #expect(after.output == before.output)
        #expect(before.gradients[0][2 * 4 + 1] == 0)
        #expect(before.gradients[0][0] != 0)
    }

    /// The gradients of Σ g·[y·exp(s) + m, log det + Σ s] for pythae's one-block IAF with these
    /// weights, from PyTorch's autograd (its masked entries zero).
    @Test func gradientsMatchPyTorchsAutogradOfPythaesBlock() throws {
        let flow = InverseAutoregressiveFlow(hidden: [4, 4])
        let harness = try LayerHarness(
            flow, input: [0.2, -0.4, 0.9, 0, 1.1, 0.3, -0.6, 0], inputShape: [4], batch: 2,
            parameters: Self.parameters(flow, layer: 0, d: 3), dOutput: [1, -0.5, 0.25, 1, 0.3, 0.7, -1, 0.5])
        let autograd: [[Float]] = [
            [0.15475, -0.19165, -0.33723, 0, 0, 0.08518, 0, 0, 0, 0, 0, 0],
            [0.55936, -0.21294, -0.3747, 0],
            [0.4761, -0.17374, 0, 0, 0, -0.34986, 0, 0, 0.05164, -0.02779, 0, 0, 0, 0, 0, 0],
            [1.2661, -0.43046, 0, 0],
            [0, 0.10494, -0.4218, 0, 1.2887, 0.42766, 0, 0, 0.07834, 0, 0, 0.32325] + Array(repeating: 0, count: 12),
            [1.3, 0.2, -0.75, 2.65084, 2.22653, 0.72108],
        ]
        let dCode: [Float] = [0.15759, -0.92302, 1.42972, 1, -0.73676, 1.23532, 0.49112, 0.5]
        for (tensor, (ours, theirs)) in zip(harness.gradients + [harness.dInput], autograd + [dCode]).enumerated() {
            #expect(ours.count == theirs.count)
            for (index, (a, b)) in zip(ours, theirs).enumerated() {
                #expect(abs(a - b) < 2e-5, "tensor \(tensor)[\(index)]: runexp \(a), PyTorch \(b)")
            }
        }
    }
}

/// How a spec writes `iaf`: bare (pythae's three hidden layers of 128), by its shorthand, in full.
struct InverseAutoregressiveFlowSpecTests {
    @Test func theThreeFormsDecode() throws {
        let spec = try SpecLoader.load(
            text: """
                data: {source: mnist, shape: [784]}
                networks:
                  enc: {layers: [dense: 8], outputs: {mu: 4, logvar: 4}}
                  f: {layers: [iaf, iaf: [6, 5], iaf: {hidden: 7}], outputs: {code: 4, logdet: 1}}
                phases:
                  - name: p
                    loss: "mean(f(concat(sample_normal(enc(x).mu, enc(x).logvar), 0)).logdet)"
                    update: [enc, f]
                """, file: "iaf.yaml"
        ).get()
        #expect(
            spec.networks[1].layers.map(\.kind) == [
                .iaf(hidden: [128, 128, 128]), .iaf(hidden: [6, 5]), .iaf(hidden: [7]),
            ])
    }
}
