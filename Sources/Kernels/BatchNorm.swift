/// Doubles of scratch every batch-norm kernel needs: two per channel.
public func batchNormScratchCount(channels: Int) -> Int { 2 * channels }

/// Batch norm in training mode over a `rows × channels` matrix (NHWC flattened to N·H·W rows):
/// normalizes each channel with the batch's mean and biased variance, then applies
/// `gamma · x̂ + beta`.
///
/// Saves the batch mean and `1/√(var + epsilon)` for backward, and updates the running
/// statistics as PyTorch does: `running = (1 − momentum)·running + momentum·batch`, with the
/// *unbiased* variance `var · rows/(rows − 1)` (the biased one when `rows == 1`, where PyTorch
/// refuses). Sums are taken in `Double` in row order; `scratch` holds
/// `batchNormScratchCount(channels:)` doubles.
public func batchNormTrainingForward(
    output: UnsafeMutablePointer<Float>, savedMean: UnsafeMutablePointer<Float>,
    savedInverseStd: UnsafeMutablePointer<Float>, runningMean: UnsafeMutablePointer<Float>,
    runningVariance: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
    gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Double>,
    rows: Int, channels: Int, momentum: Float, epsilon: Float
) {
    let mean = scratch
    let squares = scratch + channels
    mean.update(repeating: 0, count: channels)
    squares.update(repeating: 0, count: channels)
    for r in 0..<rows {
        let x = input + r * channels
        for c in 0..<channels { mean[c] += Double(x[c]) }
    }
    let n = Double(max(rows, 1))
    for c in 0..<channels { mean[c] /= n }
    // Two passes (mean, then squared deviations) avoid E[x²] − E[x]²'s cancellation.
    for r in 0..<rows {
        let x = input + r * channels
        for c in 0..<channels {
            let d = Double(x[c]) - mean[c]
            squares[c] += d * d
        }
    }
    let m = Double(momentum)
    let unbiasing = rows > 1 ? n / (n - 1) : 1
    for c in 0..<channels {
        let variance = squares[c] / n
        savedMean[c] = Float(mean[c])
        savedInverseStd[c] = Float(1 / (variance + Double(epsilon)).squareRoot())
        runningMean[c] = Float((1 - m) * Double(runningMean[c]) + m * mean[c])
        runningVariance[c] = Float((1 - m) * Double(runningVariance[c]) + m * variance * unbiasing)
    }
    for r in 0..<rows {
        let x = input + r * channels
        let y = output + r * channels
        for c in 0..<channels {
            y[c] = (x[c] - savedMean[c]) * savedInverseStd[c] * gamma[c] + beta[c]
        }
    }
}

/// Batch norm in evaluation mode: `y = gamma · (x − runningMean)/√(runningVariance + epsilon)
/// + beta` per channel. `output` may be `input`. `scratch` holds
/// `batchNormScratchCount(channels:)` doubles (the per-channel scale and shift).
public func batchNormInferenceForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
    runningMean: UnsafePointer<Float>, runningVariance: UnsafePointer<Float>,
    gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Double>,
    rows: Int, channels: Int, epsilon: Float
) {
    let scale = scratch
    let shift = scratch + channels
    for c in 0..<channels {
        scale[c] = Double(gamma[c]) / (Double(runningVariance[c]) + Double(epsilon)).squareRoot()
        shift[c] = Double(beta[c]) - Double(runningMean[c]) * scale[c]
    }
    for r in 0..<rows {
        let x = input + r * channels
        let y = output + r * channels
        for c in 0..<channels { y[c] = Float(Double(x[c]) * scale[c] + shift[c]) }
    }
}

/// Training-mode batch-norm backward from the statistics `batchNormTrainingForward` saved:
/// `dBeta = Σ dy`, `dGamma = Σ dy·x̂`, and
/// `dx = gamma·invStd · (dy − mean(dy) − x̂·mean(dy·x̂))` (the batch statistics depend on x).
///
/// Each gradient is written (or, with `accumulate`, added); pass `nil` for one that is not
/// needed. `scratch` holds `batchNormScratchCount(channels:)` doubles.
public func batchNormBackward(
    dInput: UnsafeMutablePointer<Float>?, dGamma: UnsafeMutablePointer<Float>?,
    dBeta: UnsafeMutablePointer<Float>?, dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
    savedMean: UnsafePointer<Float>, savedInverseStd: UnsafePointer<Float>,
    gamma: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Double>, rows: Int, channels: Int,
    accumulate: Bool
) {
    let sumDy = scratch
    let sumDyXhat = scratch + channels
    sumDy.update(repeating: 0, count: channels)
    sumDyXhat.update(repeating: 0, count: channels)
    for r in 0..<rows {
        let x = input + r * channels
        let dy = dOutput + r * channels
        for c in 0..<channels {
            let xhat = (x[c] - savedMean[c]) * savedInverseStd[c]
            sumDy[c] += Double(dy[c])
            sumDyXhat[c] += Double(dy[c] * xhat)
        }
    }
    for c in 0..<channels {
        let beta = Float(sumDy[c])
        let gammaGradient = Float(sumDyXhat[c])
        if let dBeta { dBeta[c] = accumulate ? dBeta[c] + beta : beta }
        if let dGamma { dGamma[c] = accumulate ? dGamma[c] + gammaGradient : gammaGradient }
    }
    guard let dInput else { return }
    let n = Double(max(rows, 1))
    for c in 0..<channels {
        sumDy[c] /= n
        sumDyXhat[c] /= n
    }
    for r in 0..<rows {
        let x = input + r * channels
        let dy = dOutput + r * channels
        let dx = dInput + r * channels
        for c in 0..<channels {
            let xhat = Double((x[c] - savedMean[c]) * savedInverseStd[c])
            let g =
                Double(gamma[c] * savedInverseStd[c]) * (Double(dy[c]) - sumDy[c] - xhat * sumDyXhat[c])
            dx[c] = accumulate ? dx[c] + Float(g) : Float(g)
        }
    }
}
