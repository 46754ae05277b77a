import Kernels

/// `count` normal values from the named test stream, so every test input is seeded and fixed.
func randomValues(_ count: Int, name: String, mean: Float = 0, std: Float = 1) -> [Float] {
    var stream = RandomStream(seed: 1234, name: name)
    var values = [Float](repeating: 0, count: count)
    values.withUnsafeMutableBufferPointer {
        stream.fillNormal(buffer: $0.baseAddress!, count: count, mean: mean, std: std)
    }
    return values
}

/// `count` uniform values in `[lower, upper)` from the named test stream.
func uniformValues(_ count: Int, name: String, lower: Float, upper: Float) -> [Float] {
    var stream = RandomStream(seed: 1234, name: name)
    var values = [Float](repeating: 0, count: count)
    values.withUnsafeMutableBufferPointer {
        stream.fillUniform(buffer: $0.baseAddress!, count: count, lower: lower, upper: upper)
    }
    return values
}

/// The largest `|a[i] − b[i]|`; infinite when the lengths differ so a mismatch always fails.
func maxAbsDifference(_ a: [Float], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0
}

/// The largest `|a[i] − b[i]|` between two float arrays.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Double {
    maxAbsDifference(a, b.map(Double.init))
}

/// `Σ a[i]·b[i]` in `Double`.
func dot(_ a: [Float], _ b: [Float]) -> Double {
    zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
}

/// Central differences `(f(x + h·e_j) − f(x − h·e_j)) / 2h` for every `j`, with `x` in `Float`.
/// Callers choose `step` for their function's scale and say why.
func centralDifferences(_ x: [Float], step: Float, _ f: ([Float]) -> Double) -> [Double] {
    var probe = x
    return (0..<x.count).map { j in
        probe[j] = x[j] + step
        let plus = f(probe)
        probe[j] = x[j] - step
        let minus = f(probe)
        probe[j] = x[j]
        // The actual distance between the two probes, not 2·step: Float rounds x ± h.
        return (plus - minus) / (Double(x[j] + step) - Double(x[j] - step))
    }
}
