import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// The functions of the disentangling VAEs: `abs` (Burgess et al.'s capacity), `permute_dims`
/// (FactorVAE's critic) and the three parts of β-TCVAE's KL decomposition, each one's backward
/// pass against finite differences of the whole loss and the values its formula promises.
struct DisentanglementFunctionTests {
    static func spec(_ loss: String) -> String { FunctionTests.spec(loss) }

    /// A draw of the encoder's posterior, as the specs write it.
    static let draw = "sample_normal(enc(x).mu, enc(x).logvar)"

    @Test(arguments: ["- 0.5", "- 40"])
    func absGradientsFollowTheSignOfItsArgument(_ target: String) throws {
        let check = try GradientCheck(
            Self.spec("abs(kl_normal(enc(x).mu, enc(x).logvar) \(target)) + sse(dec(enc(x)), x)"))
        #expect(check.check() > 30)
    }

    @Test func absIsTheDistanceToItsTargetAndFoldsAConstant() throws {
        let check = try GradientCheck(
            Self.spec("abs(kl_normal(enc(x).mu, enc(x).logvar) - 40) + 0 * sse(dec(enc(x)), x) + abs(-2)"))
        let program = check.programs[0]
        let loss = program.forward(batch: 3)
        // The curves show a term inside abs at its own sign, whichever side of its target it is.
        let kl = program.lastTermContributions[0]
        #expect(kl < 40 && abs(loss - (40 - kl + 2)) < 1e-9 * loss)
        // The capacity of Burgess et al.: the target follows a ramp.
        let ramped = try GradientCheck(
            Self.spec("abs(kl_normal(enc(x).mu, enc(x).logvar) - ramp(0, 100, epochs: 2)) + 0 * sse(dec(enc(x)), x)"))
        let rampedProgram = ramped.programs[0]
        rampedProgram.epoch = 1
        #expect(abs(rampedProgram.forward(batch: 3) - (50 - kl)) < 1e-9 * 50)
    }

    @Test func permuteDimsGradientsReturnToTheRowsTheValuesCameFrom() throws {
        let check = try GradientCheck(Self.spec("sse(dec(permute_dims(enc(x))), x)"), capacity: 5)
        #expect(check.check(batch: 5) > 30)
    }

    @Test func permuteDimsShufflesEachFeatureOnItsOwnAndReproducibly() {
        let (n, width) = (50, 4)
        let input = FloatBuffer(count: n * width), output = FloatBuffer(count: n * width)
        let scratch = FloatBuffer(count: n * width)
        input.set((0..<(n * width)).map(Float.init))
        let buffers = FunctionBuffers(
            batch: n, inputShapes: [[width]], outputShape: [width], inputs: [input.pointer], output: output.pointer,
            dInputs: [nil], dOutput: scratch.pointer, scratch: scratch.pointer)
        var random = RandomStream(seed: 4, name: "permute")
        PermuteDims(shape: [width]).forward(buffers, random: &random)
        let first = output.values
        var sources: [[Int]] = []
        for feature in 0..<width {
            let column = (0..<n).map { Int(first[$0 * width + feature]) }
            // Every value stays in its feature's column, and each row's value appears once.
            #expect(column.allSatisfy { $0 % width == feature } && Set(column).count == n)
            sources.append(column.map { $0 / width })
        }
        #expect(Set(sources.map { $0.description }).count == width, "two features were shuffled alike")
        var again = RandomStream(seed: 4, name: "permute")
        PermuteDims(shape: [width]).forward(buffers, random: &again)
        #expect(output.values == first)
    }

    @Test(arguments: ["mutual_information", "total_correlation", "dimensionwise_kl"])
    func klDecompositionGradientsMatch(_ part: String) throws {
        let check = try GradientCheck(
            Self.spec("\(part)(\(Self.draw), enc(x).mu, enc(x).logvar, dataset: 20) + sse(dec(enc(x)), x)"),
            capacity: 5)
        #expect(check.check(batch: 5) > 30)
    }

    @Test func klDecompositionGradientsMatchWhenTheCodeIsNotADraw() throws {
        let check = try GradientCheck(
            Self.spec(
                "total_correlation(dec(enc(x).mu), dec(enc(x).logvar), enc(x), dataset: 5)"
                    + " + dimensionwise_kl(x, enc(x), dec(enc(x).logvar), dataset: 5)"
                    + " + mutual_information(enc(x), dec(enc(x).mu), enc(x), dataset: 3)"
            ), capacity: 4)
        #expect(check.check(batch: 4) > 30)
    }

    /// The parts as the formulas give them, in doubles, without any care for overflow.
    static func reference(_ z: [[Double]], _ mu: [[Double]], _ logvar: [[Double]], dataset: Double) -> [Double] {
        let n = z.count, m = Double(n - 1), images = max(dataset, m)
        func weight(_ i: Int, _ j: Int) -> Double {
            j == i ? 1 / images : j == (i + 1) % n ? (images - m) / (images * m) : 1 / m
        }
        func density(_ i: Int, _ j: Int, _ k: Int) -> Double {
            let difference = z[i][k] - mu[j][k]
            return exp(-0.5 * (log(2 * .pi) + logvar[j][k] + difference * difference * exp(-logvar[j][k])))
        }
        var parts = [0.0, 0.0, 0.0]
        for i in 0..<n {
            let width = z[i].count
            let own = (0..<width).map { log(density(i, i, $0)) }.reduce(0, +)
            let joint = log(
                (0..<n).map { j in weight(i, j) * (0..<width).map { density(i, j, $0) }.reduce(1, *) }.reduce(0, +))
            let marginals = (0..<width).map { k in log((0..<n).map { weight(i, $0) * density(i, $0, k) }.reduce(0, +)) }
                .reduce(0, +)
            let prior = (0..<width).map { -0.5 * (log(2 * .pi) + z[i][$0] * z[i][$0]) }.reduce(0, +)
            parts[0] += (own - joint) / Double(n)
            parts[1] += (joint - marginals) / Double(n)
            parts[2] += (marginals - prior) / Double(n)
        }
        return parts
    }

    @Test(arguments: [4.0, 3.0, 1_000.0])
    func klDecompositionMatchesItsFormulaAndSumsToTheOneDrawKL(_ dataset: Double) {
        let (n, width) = (4, 3)
        var random = RandomStream(seed: 9, name: "decomposition")
        func rows(_ scale: Float) -> [[Double]] {
            (0..<n).map { _ in (0..<width).map { _ in Double(random.nextNormal() * scale) } }
        }
        let (z, mu, logvar) = (rows(1), rows(1), rows(0.5))
        let buffers = [z, mu, logvar].map { rows -> FloatBuffer in
            let buffer = FloatBuffer(count: n * width)
            buffer.set(rows.flatMap { $0.map(Float.init) })
            return buffer
        }
        let parts: [KLDecomposition.Part] = [.mutualInformation, .totalCorrelation, .dimensionwiseKL]
        let expected = Self.reference(z, mu, logvar, dataset: dataset)
        var sum = 0.0
        for (part, wanted) in zip(parts, expected) {
            let function = KLDecomposition(part: part, width: width, dataset: dataset)
            let scratch = FloatBuffer(count: function.scratch(inputs: [[width], [width], [width]], batch: n))
            let value = function.forward(
                TermBuffers(
                    batch: n, inputShapes: [[width], [width], [width]], inputs: buffers.map(\.pointer),
                    dInputs: [nil, nil, nil], scratch: scratch.pointer))
            #expect(abs(value - wanted) < 1e-4 * max(1, abs(wanted)), "\(part): \(value), formula \(wanted)")
            sum += value
        }
        // log q(z|x) − log p(z), whatever the weights.
        var kl = 0.0
        for i in 0..<n {
            for k in 0..<width {
                let difference = z[i][k] - mu[i][k]
                kl += -0.5 * (logvar[i][k] + difference * difference * exp(-logvar[i][k])) + 0.5 * z[i][k] * z[i][k]
            }
        }
        #expect(abs(sum - kl / Double(n)) < 1e-4 * max(1, abs(kl)))
    }
}
