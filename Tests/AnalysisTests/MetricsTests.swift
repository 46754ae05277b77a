import Foundation
import Testing

@testable import Analysis

@Test func meanSquaredErrorAndPSNROfKnownBuffers() throws {
    let mse = try ImageMetrics.meanSquaredError([0, 0.5, 1], [0, 0.5, 0.5])
    #expect(abs(mse - 0.25 / 3) < 1e-12)
    #expect(abs(try ImageMetrics.psnr([0, 0.5, 1], [0, 0.5, 0.5]) - 10 * log10(12)) < 1e-9)
    #expect(try ImageMetrics.psnr(meanSquaredError: 0) == .infinity)
}

@Test func priorFitOfFourSymmetricCodesMatchesHandComputation() throws {
    // Mean 0 and covariance (4/3)·I: the Fréchet distance to N(0, I) is 8/3 + 2 − 4·√(4/3).
    let fit = try PriorFit(codes: [1, 1, -1, -1, 1, -1, -1, 1], count: 4, dimension: 2)
    #expect(fit.meanDistance == 0)
    #expect(abs(fit.covarianceDistance - (2.0.squareRoot() / 3) / 2) < 1e-6)
    #expect(abs(fit.frechetDistance - (8.0 / 3 + 2 - 4 * (4.0 / 3).squareRoot())) < 1e-6)
}

@Test func priorFitOfShiftedCodesMeasuresMeanDistance() throws {
    let fit = try PriorFit(codes: [4, 1, 2, 1, 4, -1, 2, -1], count: 4, dimension: 2, priorMean: 0, priorStd: 1)
    #expect(abs(fit.meanDistance - 3) < 1e-9)
}
