import Foundation

/// Smoothing for noisy per-step curves.
public enum Smoothing {
    /// TensorBoard's debiased exponential moving average: each output mixes the previous average
    /// (by `weight`, 0…1) with the new value, divided by `1 - weight^n` so early points are not
    /// pulled towards zero. Non-finite values stay in place (so the curve shows the gap) and do not
    /// contaminate the average.
    public static func exponentialMovingAverage(_ values: [Double], weight: Double = 0.9) -> [Double] {
        let kept = min(max(weight, 0), 0.9999)
        var average = 0.0
        var seen = 0.0
        return values.map { value in
            guard value.isFinite else { return value }
            seen += 1
            average = kept * average + (1 - kept) * value
            return average / (1 - pow(kept, seen))
        }
    }
}
