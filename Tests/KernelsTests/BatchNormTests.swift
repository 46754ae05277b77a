import Kernels
import Testing

private let rows = 6
private let channels = 3

/// Runs training-mode forward on copies and returns everything it produced.
private func trainForward(
    _ x: [Float], _ gamma: [Float], _ beta: [Float], momentum: Float = 0.1
) -> (
    y: [Float], mean: [Float], inverseStd: [Float], runningMean: [Float], runningVariance: [Float]
) {
    var y = [Float](repeating: .nan, count: x.count)
    var mean = [Float](repeating: .nan, count: channels)
    var inverseStd = [Float](repeating: .nan, count: channels)
    var runningMean = [Float](repeating: 0.5, count: channels)
    var runningVariance = [Float](repeating: 2, count: channels)
    var scratch = [Double](repeating: .nan, count: batchNormScratchCount(channels: channels))
    batchNormTrainingForward(
        output: &y, savedMean: &mean, savedInverseStd: &inverseStd, runningMean: &runningMean,
        runningVariance: &runningVariance, input: x, gamma: gamma, beta: beta, scratch: &scratch,
        rows: rows, channels: channels, momentum: momentum, epsilon: 1e-5)
    return (y, mean, inverseStd, runningMean, runningVariance)
}

/// Per-channel batch mean and biased variance in Double.
private func statistics(_ x: [Float]) -> (mean: [Double], variance: [Double]) {
    let mean = (0..<channels).map { c in
        (0..<rows).reduce(0.0) { $0 + Double(x[$1 * channels + c]) } / Double(rows)
    }
    let variance = (0..<channels).map { c in
        (0..<rows).reduce(0.0) {
            let d = Double(x[$1 * channels + c]) - mean[c]
            return $0 + d * d
        } / Double(rows)
    }
    return (mean, variance)
}

@Test func batchNormTrainingForwardNormalizesWithBatchStatistics() {
    let x = randomValues(rows * channels, name: "bn.x", mean: 1, std: 2)
    let gamma = randomValues(channels, name: "bn.gamma")
    let beta = randomValues(channels, name: "bn.beta")
    let out = trainForward(x, gamma, beta)
    let (mean, variance) = statistics(x)
    let expected = (0..<x.count).map { i in
        let c = i % channels
        return (Double(x[i]) - mean[c]) / (variance[c] + 1e-5).squareRoot() * Double(gamma[c])
            + Double(beta[c])
    }
    // Values O(1) computed in Float: a few ulps, well under 1e-5.
    #expect(maxAbsDifference(out.y, expected) < 1e-5)
    #expect(maxAbsDifference(out.mean, mean) < 1e-6)
    #expect(maxAbsDifference(out.inverseStd, variance.map { 1 / ($0 + 1e-5).squareRoot() }) < 1e-5)
}

@Test func batchNormRunningStatisticsUseMomentumAndTheUnbiasedVariance() {
    let x = randomValues(rows * channels, name: "bn.running", std: 3)
    let out = trainForward(x, [1, 1, 1], [0, 0, 0], momentum: 0.25)
    let (mean, variance) = statistics(x)
    let unbiased = variance.map { $0 * Double(rows) / Double(rows - 1) }
    #expect(maxAbsDifference(out.runningMean, mean.map { 0.75 * 0.5 + 0.25 * $0 }) < 1e-6)
    #expect(maxAbsDifference(out.runningVariance, unbiased.map { 0.75 * 2 + 0.25 * $0 }) < 1e-5)
}

@Test func batchNormInferenceUsesRunningStatistics() {
    let x = randomValues(rows * channels, name: "bn.eval")
    let gamma: [Float] = [1, 2, 0.5]
    let beta: [Float] = [0, -1, 3]
    let runningMean: [Float] = [0.1, -0.2, 0.3]
    let runningVariance: [Float] = [1, 4, 0.25]
    var y = [Float](repeating: .nan, count: x.count)
    var scratch = [Double](repeating: .nan, count: batchNormScratchCount(channels: channels))
    batchNormInferenceForward(
        output: &y, input: x, runningMean: runningMean, runningVariance: runningVariance, gamma: gamma,
        beta: beta, scratch: &scratch, rows: rows, channels: channels, epsilon: 1e-5)
    let expected = (0..<x.count).map { i in
        let c = i % channels
        return (Double(x[i]) - Double(runningMean[c]))
            / (Double(runningVariance[c]) + 1e-5).squareRoot() * Double(gamma[c]) + Double(beta[c])
    }
    #expect(maxAbsDifference(y, expected) < 1e-5)
}

@Test func batchNormBackwardMatchesCentralDifferences() {
    let x = randomValues(rows * channels, name: "bn.bwd.x")
    let gamma = randomValues(channels, name: "bn.bwd.gamma", mean: 1, std: 0.3)
    let beta = randomValues(channels, name: "bn.bwd.beta")
    let u = randomValues(rows * channels, name: "bn.bwd.u")
    let out = trainForward(x, gamma, beta)
    var dx = [Float](repeating: .nan, count: x.count)
    var dGamma = [Float](repeating: .nan, count: channels)
    var dBeta = [Float](repeating: .nan, count: channels)
    var scratch = [Double](repeating: .nan, count: batchNormScratchCount(channels: channels))
    batchNormBackward(
        dInput: &dx, dGamma: &dGamma, dBeta: &dBeta, dOutput: u, input: x, savedMean: out.mean,
        savedInverseStd: out.inverseStd, gamma: gamma, scratch: &scratch, rows: rows,
        channels: channels,
        accumulate: false)
    // Step 1e-2 on inputs of unit scale: truncation h²·|f'''|/6 ≲ 1e-4 (x̂ is smooth with
    // derivatives of order 1/σ = 1), rounding of the O(5) loss ~5e-7/2h = 3e-5. Tolerance 2e-3;
    // a dropped term of dx (e.g. ignoring that the mean depends on x) is O(0.1).
    let numericX = centralDifferences(x, step: 1e-2) { dot(trainForward($0, gamma, beta).y, u) }
    let numericGamma = centralDifferences(gamma, step: 1e-2) { dot(trainForward(x, $0, beta).y, u) }
    let numericBeta = centralDifferences(beta, step: 1e-2) { dot(trainForward(x, gamma, $0).y, u) }
    #expect(maxAbsDifference(dx, numericX) < 2e-3)
    #expect(maxAbsDifference(dGamma, numericGamma) < 2e-3)
    #expect(maxAbsDifference(dBeta, numericBeta) < 2e-3)
}

@Test func batchNormBackwardAccumulatesAndSkipsGradientsPassedAsNil() {
    let x = randomValues(rows * channels, name: "bn.acc.x")
    let gamma: [Float] = [1, 0.5, 2]
    let u = randomValues(rows * channels, name: "bn.acc.u")
    let out = trainForward(x, gamma, [0, 0, 0])
    var scratch = [Double](repeating: 0, count: batchNormScratchCount(channels: channels))
    var fresh = [Float](repeating: 0, count: x.count)
    var dGamma = [Float](repeating: 0, count: channels)
    batchNormBackward(
        dInput: &fresh, dGamma: &dGamma, dBeta: nil, dOutput: u, input: x, savedMean: out.mean,
        savedInverseStd: out.inverseStd, gamma: gamma, scratch: &scratch, rows: rows,
        channels: channels,
        accumulate: false)
    var accumulated = [Float](repeating: 1, count: x.count)
    var dGammaAccumulated: [Float] = [1, 1, 1]
    batchNormBackward(
        dInput: &accumulated, dGamma: &dGammaAccumulated, dBeta: nil, dOutput: u, input: x,
        savedMean: out.mean,
        savedInverseStd: out.inverseStd, gamma: gamma, scratch: &scratch, rows: rows,
        channels: channels,
        accumulate: true)
    #expect(maxAbsDifference(accumulated, fresh.map { 1 + Double($0) }) < 1e-6)
    #expect(maxAbsDifference(dGammaAccumulated, dGamma.map { 1 + Double($0) }) < 1e-6)
}
