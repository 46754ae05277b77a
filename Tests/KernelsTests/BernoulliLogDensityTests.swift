import Foundation
import Testing

@testable import Kernels

/// The vector log density of Bernoulli values against libm's `log1p(exp(·))` in double precision.
struct BernoulliLogDensityTests {
    @Test func softplusIsWithinAFewUlpOfTheDoublePrecisionValueAcrossTheRange() {
        var worst = 0.0
        for step in -4000...4000 {
            let x = Float(step) / 40  // −100 … 100
            let exact = max(Double(x), 0) + log1p(exp(-abs(Double(x))))
            let value = Double(softplusLanes(Lanes(repeating: x))[0])
            worst = max(worst, abs(value - exact) / max(exact, 1e-30))
        }
        #expect(worst < 4e-7)
    }

    @Test func aRowsDensityMatchesTheSumOfItsTermsForEveryTailLength() {
        for width in [1, 7, 8, 9, 20] {
            let logits = (0..<width).map { Float($0) * 0.7 - 5 }, target = (0..<width).map { Float($0 % 3) / 2 }
            let exact = zip(logits, target).reduce(0.0) { total, pair in
                let (l, t) = (Double(pair.0), Double(pair.1))
                return total + t * l - (max(l, 0) + log1p(exp(-abs(l))))
            }
            let value = bernoulliLogDensity(logits: logits, target: target, width: width)
            #expect(abs(Double(value) - exact) < 1e-5 * max(1, abs(exact)), "width \(width)")
        }
    }

    @Test func theGradientIsTargetMinusSigmoidScaledAndAddsWhenAsked() {
        let width = 11
        let logits = (0..<width).map { Float($0) - 5 }, target = (0..<width).map { Float($0 % 2) }
        var gradient = [Float](repeating: 1, count: width)
        bernoulliLogDensityGradient(
            logits: logits, target: target, width: width, scale: 2, gradient: &gradient, accumulate: true)
        for j in 0..<width {
            let expected = 1 + 2 * (Double(target[j]) - 1 / (1 + exp(-Double(logits[j]))))
            #expect(abs(Double(gradient[j]) - expected) < 1e-6)
        }
    }
}
