import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// Several posterior draws per sample (`sample_normal(…, k:)`), the log densities that weigh them,
/// `logmeanexp` and `mean`, and arithmetic on per-sample values: each backward pass against finite
/// differences of the whole loss, and the values their formulas promise.
struct DrawTests {
    /// The draws of the test encoder's posterior, written once so every use is the same draw.
    static func draw(_ k: Int) -> String { "sample_normal(enc(x).mu, enc(x).logvar, k: \(k))" }

    /// IWAE's negative bound with `k` draws, grouped as `logmeanexp`'s `group` says.
    static func iwae(_ k: Int, group: String = "") -> String {
        let z = draw(k)
        return
            "-mean(logmeanexp(log_bernoulli_logits(dec(\(z)), x) + log_normal(\(z)) - log_normal(\(z), enc(x).mu, enc(x).logvar)\(group)))"
    }

    @Test func severalDrawsPerSampleGetGradientsFromEveryDraw() throws {
        let check = try GradientCheck(
            FunctionTests.spec("sse(dec(\(Self.draw(3))), 0) + kl_normal(enc(x).mu, enc(x).logvar)"))
        #expect(check.check() > 30)
    }

    @Test func iwaeBoundGradientsMatch() throws {
        let check = try GradientCheck(FunctionTests.spec(Self.iwae(4)))
        #expect(check.check() > 30)
    }

    @Test func miwaeGroupsOfDrawsGradientsMatch() throws {
        let check = try GradientCheck(FunctionTests.spec(Self.iwae(6, group: ", k: 3")))
        #expect(check.check() > 30)
    }

    @Test func logDensitiesOfOneDrawGradientsMatch() throws {
        let z = "sample_normal(enc(x).mu, enc(x).logvar)"
        let check = try GradientCheck(
            FunctionTests.spec(
                "mean(2 * log_normal(\(z), enc(x).mu, enc(x).logvar) - log_normal(enc(x).logvar)) - mean(log_bernoulli_logits(dec(\(z)), x))"
            ))
        #expect(check.check() > 30)
    }

    @Test func theBoundOfOneDrawIsThatDrawsLogWeight() throws {
        let single = try GradientCheck(FunctionTests.spec(Self.iwae(1)))
        let z = "sample_normal(enc(x).mu, enc(x).logvar, k: 1)"
        let weight = try GradientCheck(
            FunctionTests.spec(
                "-mean(log_bernoulli_logits(dec(\(z)), x) + log_normal(\(z)) - log_normal(\(z), enc(x).mu, enc(x).logvar))"
            ))
        #expect(single.programs[0].forward(batch: 3) == weight.programs[0].forward(batch: 3))
    }

    @Test func logMeanExpIsExactForEqualValuesAndDoesNotOverflow() {
        let values = FloatBuffer(count: 6), output = FloatBuffer(count: 2), scratch = FloatBuffer(count: 1)
        values.set([5, 5, 5, 1000, 1000, 998])
        let buffers = FunctionBuffers(
            batch: 2, inputShapes: [[1]], outputShape: [1], inputs: [values.pointer], output: output.pointer,
            dInputs: [nil], dOutput: scratch.pointer, scratch: scratch.pointer)
        var random = RandomStream(seed: 1, name: "unused")
        LogMeanExp(width: 1, group: 3, remaining: 1).forward(buffers, random: &random)
        #expect(output.values[0] == 5)
        let expected = 1000 + log((2 + exp(-2.0)) / 3)
        #expect(abs(Double(output.values[1]) - expected) < 1e-4)
    }

    @Test func logNormalOfTheStandardNormalAtZeroIsHalfLogTwoPiPerFeature() {
        let z = FloatBuffer(count: 3), output = FloatBuffer(count: 1), scratch = FloatBuffer(count: 3)
        let buffers = FunctionBuffers(
            batch: 1, inputShapes: [[3]], outputShape: [1], inputs: [z.pointer], output: output.pointer,
            dInputs: [nil], dOutput: scratch.pointer, scratch: scratch.pointer)
        var random = RandomStream(seed: 1, name: "unused")
        LogNormal(width: 3, hasParameters: false, draws: 1, zRepeats: 1, parameterRepeats: 1)
            .forward(buffers, random: &random)
        #expect(abs(Double(output.values[0]) + 1.5 * log(2 * Double.pi)) < 1e-5)
    }

    @Test func logBernoulliLogitsIsMinusTheSummedBinaryCrossEntropy() {
        let logits = FloatBuffer(count: 2), target = FloatBuffer(count: 2), output = FloatBuffer(count: 1)
        logits.set([2, -40])
        target.set([1, 0.25])
        let buffers = FunctionBuffers(
            batch: 1, inputShapes: [[2], [2]], outputShape: [1], inputs: [logits.pointer, target.pointer],
            output: output.pointer, dInputs: [nil, nil], dOutput: output.pointer, scratch: output.pointer)
        var random = RandomStream(seed: 1, name: "unused")
        LogBernoulliLogits(width: 2, draws: 1, logitRepeats: 1, targetRepeats: 1).forward(buffers, random: &random)
        // log σ(2) + 0.25·log σ(−40) + 0.75·log(1 − σ(−40)).
        let expected = -log(1 + exp(-2.0)) + 0.25 * (-40 - log(1 + exp(-40.0))) + 0.75 * -log(1 + exp(-40.0))
        #expect(abs(Double(output.values[0]) - expected) < 1e-4)
    }

    @Test func theSameDrawWrittenTwiceIsOneDrawAndADifferentKIsAnother() throws {
        let spec = try SpecLoader.load(
            text: FunctionTests.spec(
                "mean(log_normal(\(Self.draw(5)))) + mean(log_normal(\(Self.draw(5)))) - sse(dec(\(Self.draw(2))), 0)"
            ),
            file: "check.yaml"
        ).get()
        let model = try ShapeInference.run(spec).get()
        let draws = model.phases[0].resolved.nodes.filter { $0.text.hasPrefix("sample_normal") }.map(\.draws)
        #expect(draws == [5, 2])
    }
}
