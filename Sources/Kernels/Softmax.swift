#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes the softmax of the `count` values of `row` into `probabilities`, computed in `Double`
/// after subtracting the largest value; returns the log of the normalizer, log Σ exp(row),
/// which a cross-entropy needs at full precision.
public func softmaxRow(probabilities: UnsafeMutablePointer<Float>, row: UnsafePointer<Float>, count: Int) -> Double {
    guard count > 0 else { return 0 }
    var largest = row[0]
    for j in 1..<count { largest = max(largest, row[j]) }
    var sum = 0.0
    for j in 0..<count { sum += exp(Double(row[j] - largest)) }
    for j in 0..<count { probabilities[j] = Float(exp(Double(row[j] - largest)) / sum) }
    return Double(largest) + log(sum)
}
