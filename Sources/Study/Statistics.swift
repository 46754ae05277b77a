import Foundation

/// A final metric over the trials of one setting (usually its seeds): what a study's summary
/// reports per setting and metric.
public struct SampleSummary: Sendable, Equatable {
    public let count: Int
    public let mean: Double
    /// The sample standard deviation (n − 1 in the denominator); 0 for one value.
    public let std: Double
    public let min: Double
    public let max: Double
    /// The two-sided 95% confidence interval of the mean from Student's t with n − 1 degrees of
    /// freedom; nil for fewer than two values.
    public let interval: ClosedRange<Double>?

    /// The summary of `values` (at least one, all finite). The values are divided by about their
    /// largest magnitude before they are summed and squared, so metrics near a double's limit (±1e308)
    /// give their statistics instead of overflowing to infinity and NaN.
    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "a summary needs at least one value")
        count = values.count
        let scale = Self.scale(values)
        let scaled = values.map { $0 / scale }
        let mean = scaled.reduce(0, +) / Double(count)
        let squares = scaled.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let std = count > 1 ? (squares / Double(count - 1)).squareRoot() : 0
        (self.mean, self.std) = (mean * scale, std * scale)
        min = values.min() ?? 0
        max = values.max() ?? 0
        interval = count > 1 ? Self.interval(mean: mean, std: std, count: count, scale: scale) : nil
    }

    /// The power of two at or below the largest magnitude of `values` (1 when they are all 0 or
    /// one is not finite): dividing by a power of two is exact, so ordinary metrics keep the very
    /// bits an unscaled sum gives them.
    static func scale(_ values: [Double]) -> Double {
        let largest = values.lazy.map(abs).max() ?? 0
        guard largest.isNormal else { return 1 }
        return Double(sign: .plus, exponent: largest.exponent, significand: 1)
    }

    /// The 95% interval of a scaled mean and std; nil where its ends are not numbers.
    static func interval(mean: Double, std: Double, count: Int, scale: Double) -> ClosedRange<Double>? {
        let half = StudentT.quantile(0.975, degreesOfFreedom: Double(count - 1)) * std / Double(count).squareRoot()
        let (low, high) = ((mean - half) * scale, (mean + half) * scale)
        return low <= high ? low...high : nil
    }
}

/// Welch's t-test of two samples with unequal variances: is the difference of their means more
/// than chance? The study report compares the best setting with each other one so.
public struct WelchTest: Sendable, Equatable {
    public let t: Double
    /// The Welch–Satterthwaite degrees of freedom.
    public let degreesOfFreedom: Double
    /// The two-sided p-value.
    public let p: Double

    /// The p-value below which a difference is called significant.
    public static let significanceLevel = 0.05

    /// The outcome in plain words: `significant (p = 0.012)` or `not significant (p = 0.11)`.
    public var plainWords: String {
        (p < Self.significanceLevel ? "significant" : "not significant") + " (p = \(String(format: "%.2g", p)))"
    }

    /// The test of `a` against `b`; nil when either has fewer than two values or both have no
    /// spread (the statistic is undefined).
    public init?(_ a: [Double], _ b: [Double]) {
        guard a.count > 1, b.count > 1 else { return nil }
        // In units of the largest value, so squares of values near a double's limit stay finite
        // (t and the degrees of freedom do not depend on the unit). The samples are summarized in
        // those units too: the std of 1.7e308 and -1.7e308 is beyond a double, so dividing an
        // infinite std by the unit made the degrees of freedom and p NaN.
        let scale = SampleSummary.scale(a + b)
        let sa = SampleSummary(a.map { $0 / scale }), sb = SampleSummary(b.map { $0 / scale })
        let va = sa.std * sa.std / Double(a.count), vb = sb.std * sb.std / Double(b.count)
        guard va + vb > 0 else { return nil }
        t = (sa.mean - sb.mean) / (va + vb).squareRoot()
        degreesOfFreedom =
            (va + vb) * (va + vb) / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
        p = 2 * StudentT.upperTail(abs(t), degreesOfFreedom: degreesOfFreedom)
    }
}

/// Student's t distribution: tail probabilities and quantiles, from the regularized incomplete
/// beta function.
public enum StudentT {
    /// P(T > t) for t ≥ 0.
    public static func upperTail(_ t: Double, degreesOfFreedom v: Double) -> Double {
        guard t.isFinite else { return t > 0 ? 0 : 1 }
        return 0.5 * IncompleteBeta.regularized(x: v / (v + t * t), a: v / 2, b: 0.5)
    }

    /// The value below which a fraction `probability` (in (0.5, 1)) of the distribution lies.
    public static func quantile(_ probability: Double, degreesOfFreedom v: Double) -> Double {
        precondition(probability > 0.5 && probability < 1, "quantile of the upper half only")
        var low = 0.0, high = 1.0
        while upperTail(high, degreesOfFreedom: v) > 1 - probability { high *= 2 }
        // Bisection: the tail falls monotonically in t; 200 halvings reach double precision.
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if upperTail(middle, degreesOfFreedom: v) > 1 - probability { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}

/// The regularized incomplete beta function I_x(a, b).
enum IncompleteBeta {
    static func regularized(x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let logFront = logGammas + logPowers
        // The continued fraction converges fast for x < (a + 1)/(a + b + 2); use the symmetry
        // I_x(a, b) = 1 − I_{1−x}(b, a) on the other side.
        if x < (a + 1) / (a + b + 2) { return exp(logFront) * continuedFraction(x: x, a: a, b: b) / a }
        return 1 - exp(logFront) * continuedFraction(x: 1 - x, a: b, b: a) / b
    }

    /// The continued fraction of I_x(a, b), evaluated by the modified Lentz method.
    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...500 {
            let m = Double(m)
            // Even step: m(b − m)x / ((a + 2m − 1)(a + 2m)).
            var numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + numerator * d
            c = 1 + numerator / c
            if abs(d) < tiny { d = tiny }
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            // Odd step: −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)).
            numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + numerator * d
            c = 1 + numerator / c
            if abs(d) < tiny { d = tiny }
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            result *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return result
    }
}
