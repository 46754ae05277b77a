import Foundation
import Kernels
import Spec
import Testing

@testable import Study

/// TPE's proposal for one key: draws from the estimator of the good values that it favours over
/// the bad ones.
struct TPESearchTests {
    @Test func aNumericProposalFollowsTheGoodValuesAwayFromTheBadOnes() {
        var stream = RandomStream(seed: 1, name: "tpe test")
        let space = SearchDistribution.logUniform(1e-5, 1)
        for _ in 0..<20 {
            let proposed = TPESearch.propose(
                space, good: ["0.001"], bad: ["0.5", "0.3", "0.2", "0.8", "0.1", "0.6"], &stream)
            let value = Double(proposed)!
            #expect(value >= 1e-5 && value < 0.03, "\(proposed)")
        }
    }

    @Test func aChoiceProposalTakesTheCategoryTheGoodTrialsHad() {
        var stream = RandomStream(seed: 2, name: "tpe test")
        let space = SearchDistribution.choice(["16", "32", "64"])
        let proposed = (0..<10).map { _ in
            TPESearch.propose(space, good: ["32", "32"], bad: ["16", "64", "16", "64"], &stream)
        }
        #expect(proposed.allSatisfy { $0 == "32" }, "\(proposed)")
    }

    @Test func anIntegerProposalIsAWholeNumberInItsRange() {
        var stream = RandomStream(seed: 3, name: "tpe test")
        for _ in 0..<20 {
            let proposed = TPESearch.propose(.integer(2, 5), good: ["5"], bad: ["2", "3"], &stream)
            #expect(["2", "3", "4", "5"].contains(proposed), "\(proposed)")
        }
    }

    @Test func theParzenEstimatorIsADensityOverItsRange() {
        let estimator = ParzenEstimator([0.2, 0.25, 0.9], low: 0, high: 1)
        let steps = 2000
        let integral = (0..<steps).reduce(0.0) { total, i in
            total + exp(estimator.logDensity((Double(i) + 0.5) / Double(steps))) / Double(steps)
        }
        #expect(abs(integral - 1) < 1e-3, "\(integral)")
    }
}
