#if canImport(Glibc)
    import Glibc
#endif

/// The modified Bessel function of the first kind, I_ν(κ), as the von Mises–Fisher distribution
/// needs it: its normalizer holds I_{m/2−1}(κ), which overflows a `Double` near κ = 700, so only
/// logarithms and ratios are computed, in `Double`, for any order ν ≥ 0 and concentration κ ≥ 0.
///
/// Below a crossover the power series Σ_k (κ²/4)^k / (k! Γ(k+ν+1)) is summed (its terms are all
/// positive, so nothing cancels; a running rescale keeps the sum finite); above it the large-κ
/// expansion e^κ/√(2πκ) · Σ_k (−1)^k a_k(ν)/κ^k, whose error is below the smallest term it sums
/// (about e^(−2κ)). The crossover max(30, ν²) is where that expansion's terms shrink from the
/// start (a_k/a_{k−1} ≈ 4ν²/(8kκ)), and keeps the series under about κ/2 + 6√κ terms.
enum ModifiedBessel {
    /// log(I_ν(κ) / κ^ν): finite at κ = 0, where it is −ν·log 2 − log Γ(ν + 1).
    static func logScaled(order: Double, at kappa: Double) -> Double {
        if kappa > crossover(order) {
            let logBessel = kappa - 0.5 * log(2 * Double.pi * kappa) + logCorrection(order: order, at: kappa)
            return logBessel - order * log(kappa)
        }
        return -order * log(2.0) - lgamma(order + 1) + logSeries(order: order, at: kappa)
    }

    /// I_{ν+1}(κ) / I_ν(κ), in [0, 1): the mean of the cosine between a von Mises–Fisher draw on
    /// the sphere of dimension 2ν + 2 and its direction.
    static func ratio(order: Double, at kappa: Double) -> Double {
        guard kappa > 0 else { return 0 }
        // The two expansions share e^κ/√(2πκ), so only their corrections meet: a difference of
        // logarithms near κ in size would lose about 10⁻¹⁶·κ of the ratio.
        if kappa > crossover(order) {
            return exp(logCorrection(order: order + 1, at: kappa) - logCorrection(order: order, at: kappa))
        }
        // I_{ν+1}/I_ν = (κ/2) · S_{ν+1} / ((ν + 1) · S_ν), S the series beside Γ(ν + 1)'s.
        let logSeriesRatio = logSeries(order: order + 1, at: kappa) - logSeries(order: order, at: kappa)
        return kappa / (2 * (order + 1)) * exp(logSeriesRatio)
    }

    static func crossover(_ order: Double) -> Double { max(30, order * order) }

    /// log Σ_k (κ²/4)^k · Γ(ν+1) / (k! Γ(k+ν+1)), the series with its first term 1.
    static func logSeries(order: Double, at kappa: Double) -> Double {
        let quarterSquare = kappa * kappa / 4
        var (sum, term, logScale) = (1.0, 1.0, 0.0)
        var k = 0.0
        while true {
            term *= quarterSquare / ((k + 1) * (k + order + 1))
            sum += term
            k += 1
            // Past the largest term every next one is smaller, so the rest is below term/(1 − ratio).
            if (k + 1) * (k + order + 1) > 2 * quarterSquare, term < 1e-17 * sum { break }
            if sum > 1e250 { (sum, term, logScale) = (sum * 1e-250, term * 1e-250, logScale + 250 * log(10.0)) }
        }
        return log(sum) + logScale
    }

    /// log Σ_k (−1)^k a_k(ν)/κ^k, the large-κ expansion's factor beside e^κ/√(2πκ), summed until its
    /// terms stop shrinking or vanish.
    static func logCorrection(order: Double, at kappa: Double) -> Double {
        let fourSquare = 4 * order * order
        var (sum, term) = (1.0, 1.0)
        for k in 1...200 {
            let odd = Double(2 * k - 1)
            let next = -term * (fourSquare - odd * odd) / (8 * Double(k) * kappa)
            if abs(next) >= abs(term) || abs(next) < 1e-17 * abs(sum) { break }
            term = next
            sum += term
        }
        return log(sum)
    }
}
