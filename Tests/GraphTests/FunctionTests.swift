import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// The built-in functions of the loss language: each one's backward pass against finite
/// differences of the whole loss (through the weights of the networks around it), and the values
/// their formulas promise.
struct FunctionTests {
    /// An encoder with two named outputs and a decoder back to 6 features, around `loss`.
    static func spec(_ loss: String, prior: String = "", update: String = "[enc, dec]") -> String {
        """
        data: {source: mnist, shape: [6]}
        \(prior)
        networks:
          enc:
            input: [6]
            layers: [dense: 5, tanh, dense: 6]
            outputs: {mu: 3, logvar: 3}
          dec:
            layers: [dense: 4, tanh, dense: 6]
        phases:
          - {name: p, loss: "\(loss)", update: \(update)}
        """
    }

    @Test func namedOutputsSplitTheLastLayerAndPassGradientsBack() throws {
        let check = try GradientCheck(Self.spec("sse(dec(concat(enc(x).logvar, enc(x).mu)), x)"))
        #expect(check.check() > 30)
    }

    @Test func namedOutputsGetGradientEvenWhenOnlyOneIsUsed() throws {
        let check = try GradientCheck(Self.spec("sse(dec(concat(enc(x).mu, enc(x).mu)), x)"))
        #expect(check.check() > 30)
    }

    @Test func sampleNormalReparameterizesAndItsGradientsMatch() throws {
        let check = try GradientCheck(
            Self.spec("sse(dec(concat(sample_normal(enc(x).mu, enc(x).logvar), enc(x).mu)), x)"))
        #expect(check.check() > 30)
    }

    @Test func klNormalGradientsMatch() throws {
        let check = try GradientCheck(
            Self.spec("kl_normal(enc(x).mu, enc(x).logvar) + sse(dec(enc(x)), x)"))
        #expect(check.check() > 30)
    }

    @Test func klNormalIsZeroAtTheStandardNormalAndMatchesTheClosedForm() throws {
        let kl = KLNormal(width: 2)
        let inputs = [FloatBuffer(count: 4), FloatBuffer(count: 4)]
        inputs[0].set([0, 0, 1, -2])
        inputs[1].set([0, 0, 0.5, -1])
        let scratch = FloatBuffer(count: 1)
        var buffers = TermBuffers(
            batch: 1, inputShapes: [[2], [2]], inputs: inputs.map(\.pointer), dInputs: [nil, nil],
            scratch: scratch.pointer)
        #expect(kl.forward(buffers) == 0)
        buffers.batch = 2
        // Sample 2: ½(1 + e^0.5 − 1 − 0.5) + ½(4 + e^−1 − 1 + 1), averaged over 2 samples.
        let expected = (0.5 * (1 + exp(0.5) - 1 - 0.5) + 0.5 * (4 + exp(-1.0) - 1 + 1)) / 2
        #expect(abs(kl.forward(buffers) - expected) < 1e-6)
    }

    @Test func noiseGradientsPassThrough() throws {
        let check = try GradientCheck(Self.spec("sse(dec(noise(enc(x), 0.3)), x)"))
        #expect(check.check() > 30)
    }

    @Test func maskGradientsPassOnlyThroughKeptValues() throws {
        let check = try GradientCheck(Self.spec("sse(dec(mask(enc(x), 0.5)), x)"))
        #expect(check.check() > 30)
    }

    @Test func maskZeroesAboutItsRateAndNoiseHasItsStandardDeviation() {
        let count = 20_000
        let input = FloatBuffer(count: count), output = FloatBuffer(count: count), scratch = FloatBuffer(count: count)
        input.set(Array(repeating: 1, count: count))
        let buffers = FunctionBuffers(
            batch: count, inputShapes: [[1]], outputShape: [1], inputs: [input.pointer], output: output.pointer,
            dInputs: [nil], dOutput: scratch.pointer, scratch: scratch.pointer)
        var random = RandomStream(seed: 1, name: "test")
        Mask(rate: 0.25).forward(buffers, random: &random)
        let zeroed = Double(output.values.filter { $0 == 0 }.count) / Double(count)
        #expect(abs(zeroed - 0.25) < 0.015)
        Noise(std: 0.3).forward(buffers, random: &random)
        let deviations = output.values.map { Double($0) - 1 }
        let std = (deviations.map { $0 * $0 }.reduce(0, +) / Double(count)).squareRoot()
        #expect(abs(std - 0.3) < 0.01)
    }

    @Test func onehotAndCrossEntropyGradientsMatch() throws {
        let check = try GradientCheck(
            """
            data: {source: mnist, shape: [6]}
            networks:
              net:
                input: [16]
                layers: [dense: 5, tanh, dense: 10]
              emb:
                input: [6]
                layers: [dense: 6]
            phases:
              - {name: p, loss: "cross_entropy(net(concat(emb(x), onehot(y))), y)", update: [net, emb]}
            """)
        #expect(check.check() > 30)
    }

    @Test func softmaxGradientsMatch() throws {
        let check = try GradientCheck(Self.spec("sse(dec(concat(softmax(enc(x).mu), enc(x).logvar)), x)"))
        #expect(check.check() > 30)
    }

    @Test func softmaxRowsArePositiveAndSumToOne() {
        let logits = FloatBuffer(count: 6), output = FloatBuffer(count: 6), scratch = FloatBuffer(count: 1)
        logits.set([1, 2, 3, -50, 0, 50])
        let buffers = FunctionBuffers(
            batch: 2, inputShapes: [[3]], outputShape: [3], inputs: [logits.pointer], output: output.pointer,
            dInputs: [nil], dOutput: scratch.pointer, scratch: scratch.pointer)
        var random = RandomStream(seed: 1, name: "unused")
        Softmax(width: 3).forward(buffers, random: &random)
        let rows = [Array(output.values[0..<3]), Array(output.values[3..<6])]
        for row in rows { #expect(abs(row.reduce(0, +) - 1) < 1e-6 && row.allSatisfy { $0 >= 0 }) }
        #expect(rows[0][2] > rows[0][1] && rows[0][1] > rows[0][0])
        #expect(rows[1][2] > 0.999_999)
    }

    @Test func crossEntropyOfUniformLogitsIsLogOfTheClassCount() {
        let logits = FloatBuffer(count: 20), labels = FloatBuffer(count: 2), scratch = FloatBuffer(count: 20)
        labels.set([3, 7])
        let buffers = TermBuffers(
            batch: 2, inputShapes: [[10], [1]], inputs: [logits.pointer, labels.pointer], dInputs: [nil, nil],
            scratch: scratch.pointer)
        #expect(abs(CrossEntropy(classes: 10).forward(buffers) - log(10)) < 1e-9)
    }

    @Test func mmdGradientsMatchOnBothSides() throws {
        let check = try GradientCheck(
            Self.spec("mmd(enc(x).mu, enc(x).logvar) + 0.1 * sse(dec(x), 0)"), capacity: 4)
        #expect(check.check(batch: 4) > 30)
    }

    @Test func mmdGradientsMatchAgainstThePrior() throws {
        let check = try GradientCheck(
            Self.spec("mmd(enc(x).mu, z) + 0.1 * sse(dec(x), 0)", prior: "prior: {normal: {dim: 3}}"), capacity: 5)
        #expect(check.check(batch: 5) > 10)
    }

    @Test func mmdOfABatchWithItselfIsNegativeAndOfFarBatchesIsLarge() {
        let a = FloatBuffer(count: 8), b = FloatBuffer(count: 8), scratch = FloatBuffer(count: 1)
        a.set([0, 0, 1, 0, 0, 1, 1, 1])
        b.set([10, 10, 11, 10, 10, 11, 11, 11])
        let mmd = MMD(width: 2, scale: 4)
        func value(_ p: FloatBuffer, _ q: FloatBuffer) -> Double {
            mmd.forward(
                TermBuffers(
                    batch: 4, inputShapes: [[2], [2]], inputs: [p.pointer, q.pointer], dInputs: [nil, nil],
                    scratch: scratch.pointer))
        }
        // The unbiased estimate of two identical batches leaves out the diagonal: k(a_i, a_i) = 1.
        #expect(value(a, a) < 0)
        #expect(value(a, b) > 1)
    }

    @Test func termsAreNamedAfterTheirFunctionAndShownWithTheirConstantFactor() throws {
        let check = try GradientCheck(
            Self.spec(
                "784 * sse(dec(enc(x)), x) + sse(enc(x), 0) + ramp(0, 1, epochs: 9) * kl_normal(enc(x).mu, enc(x).logvar)"
            ))
        let program = check.programs[0]
        #expect(program.plan.termNames == ["sse", "sse#2", "kl_normal"])
        #expect(
            program.plan.termTexts == ["sse(dec(enc(x)), x)", "sse(enc(x), 0)", "kl_normal(enc(x).mu, enc(x).logvar)"])
        let loss = program.forward(batch: 3)
        let contributions = program.lastTermContributions
        // At epoch 0 the ramp is 0: the loss is the first two, but the KL is shown at its end factor, 1.
        #expect(abs(contributions[0] + contributions[1] - loss) < 1e-9 * loss)
        #expect(contributions[2] > 0)
    }

    @Test func rampScalesItsTermByTrainingProgress() throws {
        let check = try GradientCheck(Self.spec("ramp(0, 1, epochs: 4) * sse(dec(enc(x)), x)"))
        let program = check.programs[0]
        program.epoch = 0
        #expect(program.forward(batch: 3) == 0)
        program.epoch = 10
        let full = program.forward(batch: 3)
        program.epoch = 1
        #expect(abs(program.forward(batch: 3) - full / 4) < 1e-9 * full)
        #expect(check.check() > 30)
    }
}
