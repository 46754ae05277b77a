import Kernels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reconstruction metrics between two equally long `Float` buffers.
public enum ImageMetrics {
    /// The mean of `(a[i] − b[i])²`, accumulated in `Double` in a fixed order.
    ///
    /// Throws when the buffers differ in length or are empty.
    public static func meanSquaredError(_ a: [Float], _ b: [Float]) throws -> Double {
        guard a.count == b.count else {
            throw AnalysisError.sizeMismatch(what: "second buffer", expected: a.count, got: b.count)
        }
        guard !a.isEmpty else {
            throw AnalysisError.tooFewPoints(needed: 1, got: 0, purpose: "mean squared error")
        }
        let total = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                fixedOrderSum(count: pa.count) { index in
                    let difference = Double(pa[index]) - Double(pb[index])
                    return difference * difference
                }
            }
        }
        return total / Double(a.count)
    }

    /// Peak signal-to-noise ratio in decibels, `10·log10(peak² / mse)`; infinite for a perfect match.
    public static func psnr(meanSquaredError mse: Double, peak: Double = 1) throws -> Double {
        guard mse >= 0, mse.isFinite else {
            throw AnalysisError.invalidParameter(
                name: "mean squared error", value: "\(mse)", expected: "a finite value ≥ 0")
        }
        guard peak > 0, peak.isFinite else {
            throw AnalysisError.invalidParameter(name: "peak", value: "\(peak)", expected: "a finite value > 0")
        }
        if mse == 0 { return .infinity }
        return 10 * log10(peak * peak / mse)
    }

    /// PSNR in decibels between two buffers whose values span `0...peak`.
    public static func psnr(_ a: [Float], _ b: [Float], peak: Double = 1) throws -> Double {
        try psnr(meanSquaredError: meanSquaredError(a, b), peak: peak)
    }
}
