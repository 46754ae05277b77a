import Foundation
import Kernels
import Testing

private let allLosses: [LossKind] = [.mse, .sse, .l1, .bce, .bceLogits]

/// One element's loss written directly in Double (PyTorch's definitions).
private func referenceTerm(_ kind: LossKind, _ p: Double, _ t: Double) -> Double {
    switch kind {
    case .mse, .sse: return (p - t) * (p - t)
    case .l1: return abs(p - t)
    case .bce: return -(t * max(log(p), -100) + (1 - t) * max(log(1 - p), -100))
    case .bceLogits:
        let s = 1 / (1 + exp(-p))
        return -(t * log(s) + (1 - t) * log(1 - s))
    }
}

/// Predictions and targets each loss is defined on: probabilities in (0.1, 0.9) for `bce`,
/// targets in [0, 1] for both cross-entropies, and |p − t| ≥ 0.1 everywhere so that l1's kink
/// is never inside a finite-difference probe.
private func inputs(_ kind: LossKind, count: Int) -> (prediction: [Float], target: [Float]) {
    var p =
        kind == .bce
        ? uniformValues(count, name: "loss.p", lower: 0.1, upper: 0.9)
        : randomValues(count, name: "loss.p")
    let t =
        kind == .bce || kind == .bceLogits
        ? uniformValues(count, name: "loss.t", lower: 0, upper: 1) : randomValues(count, name: "loss.t")
    if kind == .l1 { p = zip(p, t).map { abs($0 - $1) < 0.1 ? $1 + 0.2 : $0 } }
    return (p, t)
}

@Test(arguments: allLosses)
func lossForwardMatchesDoubleReferenceWithBufferAndConstantTargets(kind: LossKind) {
    let (p, t) = inputs(kind, count: 13)
    let divisor = kind == .sse ? 1.0 : Double(p.count)
    let expected =
        zip(p, t).reduce(0.0) { $0 + referenceTerm(kind, Double($1.0), Double($1.1)) } / divisor
    let value = t.withUnsafeBufferPointer {
        lossForward(kind: kind, prediction: p, target: .buffer($0.baseAddress!), count: p.count)
    }
    // The cross-entropies' logarithms come from float lanes (a few ulp each), the rest in Double.
    #expect(abs(Double(value) - expected) <= 1e-6 * max(1, abs(expected)))
    let constant: Float = kind == .bce || kind == .bceLogits ? 1 : 0.25
    let expectedConstant =
        p.reduce(0.0) { $0 + referenceTerm(kind, Double($1), Double(constant)) } / divisor
    let valueConstant = lossForward(
        kind: kind, prediction: p, target: .constant(constant), count: p.count)
    #expect(abs(Double(valueConstant) - expectedConstant) <= 1e-6 * max(1, abs(expectedConstant)))
}

@Test func crossEntropyOfConfidentRightLogitsKeepsItsSmallTerms() {
    // Logits of ±12…±30 on the right side of targets 0 and 1: each term is log(1 + e^−|p|),
    // 9e-14 to 6e-6, which cancellation in max(p, 0) − p·t would lose entirely in Float.
    let p: [Float] = (0..<37).map { i in (12 + Float(i) / 2) * (i % 2 == 0 ? 1 : -1) }
    let t: [Float] = p.map { $0 > 0 ? 1 : 0 }
    let expected = p.reduce(0.0) { $0 + log1p(exp(-abs(Double($1)))) } / Double(p.count)
    let value = t.withUnsafeBufferPointer {
        lossForward(kind: .bceLogits, prediction: p, target: .buffer($0.baseAddress!), count: p.count)
    }
    #expect(abs(Double(value) - expected) <= 1e-6 * expected)
}

@Test(arguments: allLosses)
func lossBackwardMatchesCentralDifferences(kind: LossKind) {
    let (p, t) = inputs(kind, count: 8)
    var grad = [Float](repeating: .nan, count: p.count)
    t.withUnsafeBufferPointer { tb in
        lossBackward(
            dPrediction: &grad, prediction: p, target: .buffer(tb.baseAddress!), count: p.count,
            kind: kind, upstream: 1, accumulate: false)
    }
    // Step 1e-3: the largest third derivative is bce's 2/p³ ≤ 2000 at p = 0.1, giving truncation
    // h²·2000/6/8 ≈ 4e-5; the loss (≈ 1) rounds to Float with error ~1e-7, i.e. ~1e-4 after
    // dividing by 2h. mse, sse and l1 are exact under central differences. Tolerance 1e-3;
    // a wrong factor of 2 or a missing 1/count is ≥ 0.05 here.
    let numeric = t.withUnsafeBufferPointer { tb in
        centralDifferences(p, step: 1e-3) {
            Double(
                lossForward(kind: kind, prediction: $0, target: .buffer(tb.baseAddress!), count: p.count))
        }
    }
    #expect(maxAbsDifference(grad, numeric) < 1e-3)
}

@Test(arguments: allLosses)
func lossBackwardScalesByUpstreamAndAccumulates(kind: LossKind) {
    let (p, _) = inputs(kind, count: 6)
    let existing = randomValues(p.count, name: "loss.existing")
    var plain = [Float](repeating: 0, count: p.count)
    lossBackward(
        dPrediction: &plain, prediction: p, target: .constant(0.5), count: p.count, kind: kind,
        upstream: 1, accumulate: false)
    var scaled = existing
    lossBackward(
        dPrediction: &scaled, prediction: p, target: .constant(0.5), count: p.count, kind: kind,
        upstream: -3, accumulate: true)
    let expected = (0..<p.count).map { Double(existing[$0]) - 3 * Double(plain[$0]) }
    #expect(maxAbsDifference(scaled, expected) < 1e-5)
}

@Test func bceLogitsEqualsBceOfSigmoidWhereBothAreFinite() {
    // |x| ≤ 5 keeps 1 − sigmoid(x) ≥ 6.7e-3, where Float's sigmoid still has ~2e-5 relative
    // accuracy in 1 − p; hence the 1e-4 tolerances.
    let x = uniformValues(16, name: "bcel.x", lower: -5, upper: 5)
    let t = uniformValues(16, name: "bcel.t", lower: 0, upper: 1)
    var p = [Float](repeating: 0, count: x.count)
    activationForward(output: &p, input: x, count: x.count, activation: .sigmoid)
    let (logits, probabilities, dLogits, chained) = t.withUnsafeBufferPointer { tb in
        let target = LossTarget.buffer(tb.baseAddress!)
        let logits = lossForward(kind: .bceLogits, prediction: x, target: target, count: x.count)
        let probabilities = lossForward(kind: .bce, prediction: p, target: target, count: x.count)
        var dLogits = [Float](repeating: 0, count: x.count)
        lossBackward(
            dPrediction: &dLogits, prediction: x, target: target, count: x.count, kind: .bceLogits,
            upstream: 1, accumulate: false)
        var dP = [Float](repeating: 0, count: x.count)
        lossBackward(
            dPrediction: &dP, prediction: p, target: target, count: x.count, kind: .bce, upstream: 1,
            accumulate: false)
        var chained = [Float](repeating: 0, count: x.count)
        activationBackward(
            dInput: &chained, output: p, dOutput: dP, count: x.count, activation: .sigmoid,
            accumulate: false)
        return (logits, probabilities, dLogits, chained)
    }
    #expect(abs(logits - probabilities) < 1e-4)
    #expect(maxAbsDifference(dLogits, chained) < 1e-4)
}

@Test func bceLogitsStaysFiniteAndCorrectAtLogitsOfMagnitude100() {
    let x: [Float] = [-100, 100]
    let towardsOne = lossForward(kind: .bceLogits, prediction: x, target: .constant(1), count: 2)
    // −log σ(−100) = 100 (+ e^−100), −log σ(100) ≈ 0: mean 50.
    #expect(towardsOne.isFinite && abs(towardsOne - 50) < 1e-4)
    let towardsZero = lossForward(kind: .bceLogits, prediction: x, target: .constant(0), count: 2)
    #expect(towardsZero.isFinite && abs(towardsZero - 50) < 1e-4)
    var grad = [Float](repeating: .nan, count: 2)
    lossBackward(
        dPrediction: &grad, prediction: x, target: .constant(1), count: 2, kind: .bceLogits,
        upstream: 1, accumulate: false)
    #expect(grad.allSatisfy { $0.isFinite })
    #expect(abs(grad[0] - (-0.5)) < 1e-6 && abs(grad[1]) < 1e-6)
}

@Test func bceClampsEachLogAtMinus100LikePyTorch() {
    let p: [Float] = [0, 1]
    let loss = lossForward(kind: .bce, prediction: p, target: .constant(1), count: 2)
    // −log 0 is clamped to 100, −log 1 is 0: mean 50, finite.
    #expect(loss == 50)
    var grad = [Float](repeating: .nan, count: 2)
    lossBackward(
        dPrediction: &grad, prediction: p, target: .constant(1), count: 2, kind: .bce, upstream: 1,
        accumulate: false)
    #expect(grad.allSatisfy { $0.isFinite })
}

@Test func l1GradientIsZeroWhereThePredictionEqualsTheTarget() {
    var grad = [Float](repeating: .nan, count: 3)
    lossBackward(
        dPrediction: &grad, prediction: [1, 2, 3], target: .constant(2), count: 3, kind: .l1,
        upstream: 1, accumulate: false)
    #expect(grad == [-1.0 / 3, 0, 1.0 / 3])
}

@Test(arguments: [LossKind.mse, .sse])
func squaredLossesHaveTheBitsOfTheFixedOrderSum(kind: LossKind) {
    for count in [1, 7, 4_003] {
        let p = randomValues(count, name: "loss.sq.p"), t = randomValues(count, name: "loss.sq.t")
        let total = fixedOrderSum(count: count) {
            let d = Double(p[$0]) - Double(t[$0])
            return d * d
        }
        let expected = Float(kind == .sse ? total : total / Double(count))
        let value = t.withUnsafeBufferPointer {
            lossForward(kind: kind, prediction: p, target: .buffer($0.baseAddress!), count: count)
        }
        #expect(value == expected, "\(count) elements")
    }
}

@Test(arguments: [LossKind.mse, .l1, .bce, .bceLogits])
func lossGradientsDoNotDependOnTheThreadCount(kind: LossKind) {
    let count = 100_003
    let p = randomValues(count, name: "loss.threads.p").map { kind == .bce ? 1 / (1 + exp(-$0)) : $0 }
    let t = randomValues(count, name: "loss.threads.t").map { $0 > 0 ? Float(1) : 0 }
    func gradient(threads: Int, target: LossTarget) -> [Float] {
        var g = [Float](repeating: 0.5, count: count)
        lossBackward(
            dPrediction: &g, prediction: p, target: target, count: count, kind: kind, upstream: -0.7,
            accumulate: true, context: ExecutionContext(library: .openBLAS, threads: threads))
        return g
    }
    t.withUnsafeBufferPointer { t in
        for target in [LossTarget.buffer(t.baseAddress!), .constant(1)] {
            let one = gradient(threads: 1, target: target)
            #expect(gradient(threads: 2, target: target) == one)
            #expect(gradient(threads: 3, target: target) == one)
        }
    }
}
