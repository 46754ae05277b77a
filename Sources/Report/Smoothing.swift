import Foundation

/// Smoothing for noisy per-step curves.
public enum Smoothing {
    /// A centred exponential average: each output is the mean of the curve weighted by
    /// `weight^distance` on both sides (0…1), divided by the weights present, so the ends are not
    /// pulled towards zero and, unlike a running average, a trend is not lagged behind. Non-finite
    /// values stay in place (so the curve shows the gap) and weigh nothing.
    public static func centredExponentialAverage(_ values: [Double], weight: Double = 0.9) -> [Double] {
        let kept = min(max(weight, 0), 0.9999)
        // Sums of the values and of their weights from the left and from the right.
        func sums(_ order: [Int]) -> (values: [Double], weights: [Double]) {
            var total = 0.0, weights = 0.0
            var totals = [Double](repeating: 0, count: values.count), shares = totals
            for index in order {
                total *= kept
                weights *= kept
                if values[index].isFinite {
                    total += values[index]
                    weights += 1
                }
                (totals[index], shares[index]) = (total, weights)
            }
            return (totals, shares)
        }
        let left = sums(Array(values.indices)), right = sums(values.indices.reversed())
        return values.indices.map { index in
            let value = values[index]
            guard value.isFinite else { return value }
            // Both sums hold the point itself once.
            return (left.values[index] + right.values[index] - value) / (left.weights[index] + right.weights[index] - 1)
        }
    }
}
