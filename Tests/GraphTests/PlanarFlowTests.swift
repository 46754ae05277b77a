import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// `planar` flows and `concat(z, 0)`: the flow's code and its log-determinant column, each
/// differentiated, against finite differences of a VAE-LinNF loss.
struct PlanarFlowTests {
    static let z0 = "sample_normal(enc(x).mu, enc(x).logvar)"
    static let flowed = "f(concat(\(z0), 0))"

    static func spec(_ loss: String) -> String {
        """
        data: {source: mnist, shape: [6]}
        networks:
          enc:
            input: [6]
            layers: [dense: 5, tanh, dense: 6]
            outputs: {mu: 3, logvar: 3}
          f:
            layers: [planar, planar]
            outputs: {code: 3, logdet: 1}
          dec:
            layers: [dense: 4, tanh, dense: 6]
        phases:
          - {name: p, loss: "\(loss)", update: [enc, f, dec]}
        """
    }

    @Test func flowCodeAndLogDeterminantGradientsMatch() throws {
        let loss =
            "sse(dec(\(Self.flowed).code), x) + mean(log_normal(\(Self.z0), enc(x).mu, enc(x).logvar) - \(Self.flowed).logdet - log_normal(\(Self.flowed).code))"
        let check = try GradientCheck(Self.spec(loss))
        #expect(check.check() > 40)
    }

    @Test func theLogDeterminantMatchesTheJacobianOfTheFlow() throws {
        let flow = PlanarFlow()
        let (w, u, b) = ([Float(0.5), -1, 0.25], [Float(1), 0.3, -0.7], Float(0.1))
        let z: [Float] = [0.2, -0.4, 0.9]
        // log|det J| of f(z) = z + u·tanh(wᵀz + b), by central differences of f.
        func f(_ v: [Float]) -> [Double] {
            let t = tanh(Double(zip(w, v).map { $0 * $1 }.reduce(b, +)))
            return (0..<3).map { Double(v[$0]) + Double(u[$0]) * t }
        }
        var jacobian = [[Double]](repeating: [0, 0, 0], count: 3)
        for j in 0..<3 {
            var plus = z, minus = z
            plus[j] += 1e-3
            minus[j] -= 1e-3
            let (fp, fm) = (f(plus), f(minus))
            for i in 0..<3 { jacobian[i][j] = (fp[i] - fm[i]) / 2e-3 }
        }
        let m = jacobian
        let determinant =
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        let output = try LayerHarness(
            flow, input: z + [0.5], inputShape: [4], batch: 1, parameters: [w, u, [b]], dOutput: [0, 0, 0, 0]
        ).output
        #expect(abs(Double(output[3]) - (0.5 + log(abs(determinant) + 1e-4))) < 1e-4)
    }
}
