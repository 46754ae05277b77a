import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// The PVAE's functions: `sample_wrapped_normal` and `log_wrapped_normal` give the numbers pythae's
/// own PoincareBall and WrappedNormal give, and pass their gradients back as finite differences of
/// the loss say.
struct WrappedNormalTests {
    /// An encoder giving a 3-wide location, log-variance and a second point, and a decoder.
    static func spec(_ loss: String) -> String {
        """
        data: {source: mnist, shape: [6]}
        networks:
          enc:
            input: [6]
            layers: [dense: 5, tanh, dense: 9]
            outputs: {loc: 3, logvar: 3, other: 3}
          dec:
            layers: [dense: 4, tanh, dense: 6]
        phases:
          - {name: p, loss: "\(loss)", update: [enc, dec]}
        """
    }

    static let draw = "sample_wrapped_normal(enc(x).loc, enc(x).logvar)"

    @Test func sampleWrappedNormalGradientsMatchFiniteDifferences() throws {
        let check = try GradientCheck(Self.spec("sse(dec(\(Self.draw)), x)"))
        #expect(check.check() > 30)
    }

    @Test(arguments: ["enc(x).other", draw])
    func logWrappedNormalGradientsMatchFiniteDifferences(_ z: String) throws {
        let posterior = "log_wrapped_normal(\(z), enc(x).loc, enc(x).logvar)"
        let loss = "mean(\(posterior) - 0.5 * log_wrapped_normal(\(z))) + sse(dec(enc(x).loc), x)"
        let check = try GradientCheck(Self.spec(loss))
        #expect(check.check() > 30)
    }

    /// (loc, logvar, ε, z, log q(z), log p(z), another point o, log q(o), log p(o)) from pythae
    /// 0.1.2's PoincareBall(dim: 4, c: 1) and WrappedNormal in float64, ε given to its rsample;
    /// the second loc lies off the ball, as an encoder's embedding may, and so does its z, where
    /// the prior's artanh is held at 1 − 10⁻⁵.
    static let pythae: [([Double], [Double], [Double], [Double], Double, Double, [Double], Double, Double)] = [
        (
            [0.3, -0.2, 0.5, 0.1], [-1.0, 0.5, 0.0, -2.0], [0.7, -1.2, 0.4, 2.0],
            [0.4117224685984913, -0.4473501414177623, 0.6439252335158805, 0.21891193206141668],
            -6.951413470124883, -12.206272209068954, [0.1, 0.6, -0.4, 0.2], -12.355585849573547, -7.349781145212549
        ),
        (
            [0.9, 0.8, -0.3, 0.2], [0.2, -0.3, 1.0, 0.0], [-0.5, 0.3, 1.1, -0.8],
            [0.7386871035663213, 0.5218595829586706, -0.5392147367520521, 0.28592210051788625],
            -7.126977556985068, -105.20275968287382, [-0.7, 0.2, 0.1, 0.5], -110.867353178884, -10.971696172302137
        ),
    ]

    @Test func drawsAndDensitiesAreThoseOfPythaesWrappedNormal() {
        for (loc, logvar, epsilon, z, logQ, logP, other, otherQ, otherP) in Self.pythae {
            let width = loc.count
            let drawn = Self.run(SampleWrappedNormal(width: width), [loc, logvar], scratch: epsilon, width: width)
            for k in 0..<width { #expect(abs(drawn[k] - z[k]) < 1e-6, "z[\(k)] \(drawn[k]), pythae \(z[k])") }
            for (point, q, p) in [(z, logQ, logP), (other, otherQ, otherP)] {
                let posterior = LogWrappedNormal(width: width, hasParameters: true)
                let prior = LogWrappedNormal(width: width, hasParameters: false)
                let values = [
                    Self.run(posterior, [point, loc, logvar], width: 1)[0], Self.run(prior, [point], width: 1)[0],
                ]
                #expect(abs(values[0] - q) < 1e-5 * max(1, abs(q)), "log q \(values[0]), pythae \(q)")
                #expect(abs(values[1] - p) < 1e-5 * max(1, abs(p)), "log p \(values[1]), pythae \(p)")
            }
        }
    }

    /// One row of `function` forward on `inputs`, with `scratch` as ε where it draws (the random
    /// stream is then not read: the scratch is filled again only by `forward`, so this runs the
    /// row's arithmetic directly).
    static func run(_ function: any BatchFunction, _ inputs: [[Double]], scratch: [Double] = [], width: Int) -> [Double]
    {
        let buffers = inputs.map { values in
            let buffer = FloatBuffer(count: values.count)
            buffer.set(values.map(Float.init))
            return buffer
        }
        let output = FloatBuffer(count: width), kept = FloatBuffer(count: max(scratch.count, 1))
        kept.set(scratch.isEmpty ? [0] : scratch.map(Float.init))
        let b = FunctionBuffers(
            batch: 1, inputShapes: inputs.map { [$0.count] }, outputShape: [width],
            inputs: buffers.map(\.pointer), output: output.pointer, dInputs: inputs.map { _ in nil },
            dOutput: output.pointer, scratch: kept.pointer)
        if let sample = function as? SampleWrappedNormal {
            let draw = SampleWrappedNormal.Draw(b, row: 0, width: sample.width)
            return (0..<width).map { draw.sum[$0] }
        }
        var random = RandomStream(seed: 1, name: "unused")
        function.forward(b, random: &random)
        return output.values.map(Double.init)
    }
}
