/// Sums `term(i)` for `i < count` in `Double`, in one fixed order: four interleaved partial
/// sums (so the adds overlap in the pipeline), combined as `(s0 + s1) + (s2 + s3)`.
///
/// Every reduction in the module goes through here, so a result depends only on the values,
/// never on timing or threads.
@inline(__always)
public func fixedOrderSum(count: Int, _ term: (Int) -> Double) -> Double {
    var s0 = 0.0
    var s1 = 0.0
    var s2 = 0.0
    var s3 = 0.0
    var i = 0
    while i + 4 <= count {
        s0 += term(i)
        s1 += term(i + 1)
        s2 += term(i + 2)
        s3 += term(i + 3)
        i += 4
    }
    while i < count {
        s0 += term(i)
        i += 1
    }
    return (s0 + s1) + (s2 + s3)
}

/// `Σ input[i]`, accumulated in `Double` in a fixed order.
public func sum(input: UnsafePointer<Float>, count: Int) -> Float {
    Float(fixedOrderSum(count: count) { Double(input[$0]) })
}

/// `Σ input[i]²`, accumulated in `Double` in a fixed order.
public func sumOfSquares(input: UnsafePointer<Float>, count: Int) -> Float {
    Float(
        fixedOrderSum(count: count) {
            let x = Double(input[$0])
            return x * x
        })
}

/// `buffer[i] *= factor` in place.
public func scale(buffer: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
    for i in 0..<count { buffer[i] *= factor }
}

/// `y[i] += alpha · x[i]` (BLAS's axpy).
public func axpy(y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, count: Int, alpha: Float) {
    for i in 0..<count { y[i] += alpha * x[i] }
}

/// `output[i] (= | +=) a[i] + b[i]`; `output` may alias either input.
public func add(
    output: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    count: Int, accumulate: Bool
) {
    if accumulate {
        for i in 0..<count { output[i] += a[i] + b[i] }
    } else {
        for i in 0..<count { output[i] = a[i] + b[i] }
    }
}

/// `output[i] (= | +=) a[i] · b[i]`; `output` may alias either input.
public func multiply(
    output: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    count: Int, accumulate: Bool
) {
    if accumulate {
        for i in 0..<count { output[i] += a[i] * b[i] }
    } else {
        for i in 0..<count { output[i] = a[i] * b[i] }
    }
}

/// `buffer[i] = value` for `i < count`.
public func fill(buffer: UnsafeMutablePointer<Float>, count: Int, value: Float) {
    buffer.update(repeating: value, count: count)
}

/// `output[i] (= | +=) input[i]`; with `accumulate` false this is a copy (regions must not overlap).
public func copy(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int, accumulate: Bool
) {
    if accumulate {
        for i in 0..<count { output[i] += input[i] }
    } else {
        output.update(from: input, count: count)
    }
}

/// Converts a batch kept as bytes to floats in [0, 1]: `output[i] = Float(input[i]) / 255`.
///
/// Divides rather than multiplying by `1/255` so that 255 maps to exactly 1 and every value is
/// the correctly rounded quotient, matching `torch.tensor(u8) / 255`.
public func uint8ToUnitFloat(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<UInt8>, count: Int
) {
    for i in 0..<count { output[i] = Float(input[i]) / 255 }
}
