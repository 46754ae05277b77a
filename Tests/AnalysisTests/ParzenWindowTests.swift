import Foundation
import Testing

@testable import Analysis

/// The Parzen-window log-likelihood against its closed form on tiny sets.
struct ParzenWindowTests {
    @Test func aPointOnItsOnlySampleHasTheGaussiansPeakDensity() {
        let sigma = 0.2, d = 3
        let values = ParzenWindow.meanLogLikelihoods(
            points: [0.1, 0.5, 0.9], count: 1, samples: [0.1, 0.5, 0.9], sampleCount: 1, dimension: d,
            sigmas: [sigma])
        let peak = -Double(d) * log(sigma * (2 * Double.pi).squareRoot())
        #expect(abs(values[0] - peak) < 1e-5)  // the distance comes from a float product
    }

    @Test func aFarSampleHalvesTheDensityAndDistanceLowersItByTheKernel() {
        let sigma = 0.5
        let values = ParzenWindow.meanLogLikelihoods(
            points: [0, 0, 1, 0], count: 2, samples: [0, 0, 100, 100], sampleCount: 2, dimension: 2, sigmas: [sigma])
        let peak = -2 * log(sigma * (2 * Double.pi).squareRoot())
        // Point 1 sits on sample 1: log(½ · peak density). Point 2 is 1 away: minus 1/(2σ²) more.
        let expected = (log(0.5) + peak + log(0.5) + peak - 1 / (2 * sigma * sigma)) / 2
        #expect(abs(values[0] - expected) < 1e-6)
    }

    @Test func blocksOfRowsGiveTheSameMeanAsOneByOne() {
        var random = SystemRandomNumberGenerator()
        let count = ParzenWindow.rowsPerBlock + 7, d = 5, n = 40
        let points = (0..<(count * d)).map { _ in Float.random(in: 0...1, using: &random) }
        let samples = (0..<(n * d)).map { _ in Float.random(in: 0...1, using: &random) }
        let whole = ParzenWindow.meanLogLikelihoods(
            points: points, count: count, samples: samples, sampleCount: n, dimension: d, sigmas: [0.1, 0.3])
        var sums = [0.0, 0.0]
        for row in 0..<count {
            let one = ParzenWindow.meanLogLikelihoods(
                points: Array(points[(row * d)..<((row + 1) * d)]), count: 1, samples: samples, sampleCount: n,
                dimension: d, sigmas: [0.1, 0.3])
            sums[0] += one[0]
            sums[1] += one[1]
        }
        #expect(abs(whole[0] - sums[0] / Double(count)) < 1e-4 && abs(whole[1] - sums[1] / Double(count)) < 1e-4)
    }
}
