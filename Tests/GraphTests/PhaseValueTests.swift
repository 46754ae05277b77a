import Kernels
import Testing

@testable import Graph
@testable import Spec

/// A phase's named values (`values:`), `softplus` and the product of two batches: a value used
/// twice is one node of the graph (and one draw), and each new piece passes its gradient back as
/// finite differences of the loss say.
struct PhaseValueTests {
    static func spec(_ loss: String, values: String) -> String {
        """
        data: {source: mnist, shape: [6]}
        networks:
          enc:
            input: [6]
            layers: [dense: 5, tanh, dense: 6]
            outputs: {mu: 3, logvar: 3}
          dec:
            layers: [dense: 4, tanh, dense: 6]
        phases:
          - name: p
            values: \(values)
            loss: "\(loss)"
            update: [enc, dec]
        """
    }

    func resolved(_ text: String) throws -> ResolvedLoss {
        let spec = try SpecLoader.load(text: text, file: "s.yaml").get()
        return try #require(try ShapeInference.run(spec).get().phase(named: "p")).resolved
    }

    @Test func aValueUsedTwiceIsTheGraphOfItsDefinitionWrittenInline() throws {
        let inline = FunctionTests.spec(
            "sse(dec(sample_normal(enc(x).mu, enc(x).logvar)), x) + sse(sample_normal(enc(x).mu, enc(x).logvar), 0)")
        let named = Self.spec(
            "sse(dec(z0), x) + sse(z0, 0)", values: "{q: enc(x), z0: 'sample_normal(q.mu, q.logvar)'}")
        let (a, b) = (try resolved(inline), try resolved(named))
        #expect(a.nodes.map(\.operation) == b.nodes.map(\.operation))
        let draws = b.nodes.filter {
            if case .function(let applied) = $0.operation { applied.function is SampleNormal } else { false }
        }
        #expect(draws.count == 1)
        #expect(b.nodes.filter { if case .network("enc", _) = $0.operation { true } else { false } }.count == 1)
    }

    @Test func softplusGradientsMatch() throws {
        let check = try GradientCheck(FunctionTests.spec("sse(dec(concat(softplus(enc(x).logvar), enc(x).mu)), x)"))
        #expect(check.check() > 30)
    }

    @Test func productOfTwoBatchesGradientsMatchOnBothSides() throws {
        let check = try GradientCheck(FunctionTests.spec("sse(dec(concat(enc(x).mu * enc(x).logvar, enc(x).mu)), x)"))
        #expect(check.check() > 30)
    }

    @Test func productReadsAOneDrawOperandAgainstEachDraw() throws {
        let check = try GradientCheck(
            FunctionTests.spec("sse(dec(sample_normal(enc(x).mu, enc(x).logvar, k: 2) * softplus(enc(x).logvar)), 0)"))
        #expect(check.check() > 30)
    }

    @Test func softplusIsStableAtLargeMagnitudes() {
        let input = FloatBuffer(count: 4), output = FloatBuffer(count: 4), scratch = FloatBuffer(count: 1)
        input.set([-100, 0, 2, 100])
        let buffers = FunctionBuffers(
            batch: 1, inputShapes: [[4]], outputShape: [4], inputs: [input.pointer], output: output.pointer,
            dInputs: [nil], dOutput: scratch.pointer, scratch: scratch.pointer)
        var random = RandomStream(seed: 1, name: "unused")
        Softplus(elementCount: 4).forward(buffers, random: &random)
        let expected: [Float] = [0, 0.693_147_2, 2.126_928, 100]
        for (value, want) in zip(output.values, expected) { #expect(abs(value - want) < 1e-5) }
    }
}
