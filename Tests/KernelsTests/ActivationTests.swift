import Foundation
import Kernels
import Testing

private let allActivations: [Activation] = [
    .identity, .relu, .leakyReLU(slope: 0.2), .sigmoid, .tanh,
]

/// The activation written directly in Double.
private func reference(_ activation: Activation, _ x: Double) -> Double {
    switch activation {
    case .identity: return x
    case .relu: return max(x, 0)
    case .leakyReLU(let slope): return x > 0 ? x : Double(slope) * x
    case .sigmoid: return 1 / (1 + exp(-x))
    case .tanh: return tanh(x)
    }
}

/// Inputs at least 0.1 away from 0, so finite-difference probes never straddle relu's kink.
private func inputsAwayFromZero(_ count: Int, name: String) -> [Float] {
    randomValues(count, name: name, std: 2).map { abs($0) < 0.1 ? $0 + ($0 < 0 ? -0.2 : 0.2) : $0 }
}

@Test(arguments: allActivations)
func activationForwardMatchesDoubleReference(activation: Activation) {
    let x = randomValues(37, name: "act.fwd", std: 3)
    var y = [Float](repeating: .nan, count: x.count)
    activationForward(output: &y, input: x, count: x.count, activation: activation)
    // Float evaluation of exp/tanh is good to a few ulps of values ≤ |x| ~ 10.
    #expect(maxAbsDifference(y, x.map { reference(activation, Double($0)) }) < 1e-5)
}

@Test(arguments: allActivations)
func activationForwardWorksInPlace(activation: Activation) {
    let x = randomValues(19, name: "act.inplace")
    var outOfPlace = [Float](repeating: 0, count: x.count)
    activationForward(output: &outOfPlace, input: x, count: x.count, activation: activation)
    var inPlace = x
    inPlace.withUnsafeMutableBufferPointer {
        activationForward(
            output: $0.baseAddress!, input: $0.baseAddress!, count: x.count, activation: activation)
    }
    #expect(inPlace == outOfPlace)
}

@Test func sigmoidIsFiniteAndSaturatesAtHugeInputs() {
    let x: [Float] = [-1000, -100, -20, 0, 20, 100, 1000]
    var y = [Float](repeating: .nan, count: x.count)
    activationForward(output: &y, input: x, count: x.count, activation: .sigmoid)
    #expect(y.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    #expect(y[0] == 0 && y[6] == 1 && y[3] == 0.5)
    // At −20 the true value 2.06e-9 is representable; the naive 1/(1+e^20) would round to it too,
    // but a stable form must keep the relative error small, not just the absolute one.
    #expect(abs(Double(y[2]) / (1 / (1 + exp(20.0))) - 1) < 1e-5)
}

@Test(arguments: allActivations)
func activationBackwardMatchesCentralDifferences(activation: Activation) {
    let x = inputsAwayFromZero(23, name: "act.bwd")
    let upstream = randomValues(x.count, name: "act.bwd.up")
    var y = [Float](repeating: 0, count: x.count)
    activationForward(output: &y, input: x, count: x.count, activation: activation)
    var dx = [Float](repeating: .nan, count: x.count)
    activationBackward(
        dInput: &dx, output: y, dOutput: upstream, count: x.count, activation: activation,
        accumulate: false)
    // Step 1e-2: truncation error h²·f'''/6 ≤ ~2e-5 for these smooth pieces, rounding error
    // ~ ulp(f)/h ≈ 1e-5; both far below the 1e-3 tolerance and far below any real bug (O(0.1)).
    let numeric = centralDifferences(x, step: 1e-2) { probe in
        var out = [Float](repeating: 0, count: probe.count)
        activationForward(output: &out, input: probe, count: probe.count, activation: activation)
        return dot(out, upstream)
    }
    #expect(maxAbsDifference(dx, numeric) < 1e-3)
}

@Test(arguments: allActivations)
func activationBackwardAccumulateAddsToExistingGradient(activation: Activation) {
    let x = randomValues(11, name: "act.acc")
    let upstream = randomValues(x.count, name: "act.acc.up")
    let existing = randomValues(x.count, name: "act.acc.existing")
    var y = [Float](repeating: 0, count: x.count)
    activationForward(output: &y, input: x, count: x.count, activation: activation)
    var fresh = [Float](repeating: 0, count: x.count)
    activationBackward(
        dInput: &fresh, output: y, dOutput: upstream, count: x.count, activation: activation,
        accumulate: false)
    var accumulated = existing
    activationBackward(
        dInput: &accumulated, output: y, dOutput: upstream, count: x.count, activation: activation,
        accumulate: true)
    #expect(
        maxAbsDifference(accumulated, zip(existing, fresh).map { Double($0) + Double($1) }) < 1e-6)
}

/// The activation of one value alone: a one-element call never reaches the eight-lane loop.
private func alone(_ activation: Activation, _ x: Float) -> Float {
    var y: Float = 7
    activationForward(output: &y, input: [x], count: 1, activation: activation)
    return y
}

@Test(arguments: allActivations)
func everyElementGetsTheSameBitsInTheLanesAndInTheTail(activation: Activation) {
    // Special values in the eight-lane part and in the tail (count 21 = 2 × 8 + 5).
    var x = randomValues(21, name: "act.special", std: 2)
    for (index, value) in [(1, Float(-0.0)), (2, .nan), (3, .infinity), (4, -.infinity), (17, -0.0), (18, .nan)] {
        x[index] = value
    }
    var y = [Float](repeating: 7, count: x.count)
    activationForward(output: &y, input: x, count: x.count, activation: activation)
    #expect(y.map(\.bitPattern) == x.map { alone(activation, $0).bitPattern })
    var withBias = [Float](repeating: 7, count: x.count)
    let zeros = [Float](repeating: 0, count: x.count)
    biasActivationForward(output: &withBias, input: x, bias: zeros, rows: 1, columns: x.count, activation: activation)
    #expect(withBias.map(\.bitPattern) == x.map { alone(activation, $0 + 0).bitPattern })
    #expect(y[2].isNaN && y[18].isNaN)
}

@Test func reluMapsNegativeZeroToPositiveZeroLikeSwiftMax() {
    var y = [Float](repeating: 7, count: 9)
    activationForward(output: &y, input: Array(repeating: -0.0, count: 9), count: 9, activation: .relu)
    #expect(y.allSatisfy { $0 == 0 && $0.sign == .plus })
}

@Test func sigmoidIsWithinFourUlpOfTheTrueValueEverywhere() {
    let x = (0..<4001).map { Float($0 - 2000) * 0.05 }  // −100 … 100
    var y = [Float](repeating: 0, count: x.count)
    activationForward(output: &y, input: x, count: x.count, activation: .sigmoid)
    for (input, output) in zip(x, y) {
        let truth = 1 / (1 + exp(-Double(input)))
        // Below e^−87 the polynomial exponential stops at the smallest normal scale; both are ~0.
        guard truth > 1e-37 else { #expect(output < 1e-36); continue }
        #expect(abs(Double(output) - truth) <= 4 * Double(Float(truth).ulp), "σ(\(input)) = \(output), not \(truth)")
    }
}

@Test func biasActivationGivesTheSameBitsForShortAndLongRows() {
    // Three columns (an RGB output) take the flat path; 24 take the row path.
    let x = randomValues(72, name: "bias.rows", std: 3), bias = randomValues(24, name: "bias.values")
    for activation in allActivations {
        var short = [Float](repeating: 0, count: 72), long = [Float](repeating: 0, count: 72)
        let repeated = (0..<24).map { bias[$0 % 3] }
        biasActivationForward(output: &short, input: x, bias: bias, rows: 24, columns: 3, activation: activation)
        biasActivationForward(output: &long, input: x, bias: repeated, rows: 3, columns: 24, activation: activation)
        #expect(short.map(\.bitPattern) == long.map(\.bitPattern), "\(activation)")
    }
}

@Test(arguments: allActivations)
func largePassesGiveTheSameBitsOnOneThreadAndSplit(activation: Activation) {
    let count = 70_001  // above the split threshold, and odd so a slice ends inside a lane group
    let x = randomValues(count, name: "split.x", std: 3), up = randomValues(count, name: "split.up")
    let bias = randomValues(37, name: "split.bias")
    func passes(threads: Int) -> [[UInt32]] {
        var y = [Float](repeating: 0, count: count), d = [Float](repeating: 0, count: count)
        activationForward(
            output: &y, input: x, count: count, activation: activation,
            context: ExecutionContext(library: .openBLAS, threads: threads))
        activationBackward(
            dInput: &d, output: y, dOutput: up, count: count, activation: activation, accumulate: false,
            context: ExecutionContext(library: .openBLAS, threads: threads))
        var biased = [Float](repeating: 0, count: 37 * 1891)
        biasActivationForward(
            output: &biased, input: Array(x.prefix(37 * 1891)), bias: bias, rows: 1891, columns: 37,
            activation: activation, context: ExecutionContext(library: .openBLAS, threads: threads))
        return [y, d, biased].map { $0.map(\.bitPattern) }
    }
    #expect(passes(threads: 1) == passes(threads: 2))
}
