/// The logistic function on eight lanes, from a polynomial exponential (Cephes' `expf` scheme:
/// range reduction by ln 2, a degree-6 polynomial, the power of two written into the exponent
/// bits). About 2 ulp from the true value, the same bits on every machine (no libm), and one
/// vector pass instead of a libm call per element.
@inline(__always)
public func sigmoidLanes(_ x: Lanes) -> Lanes {
    let magnitude = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) | 0x8000_0000, to: Lanes.self)
    let e = exponentLanes(magnitude)  // e^(−|x|), in (0, 1]
    let r = 1 / (1 + e)
    let y = (e * r).replacing(with: r, where: x .>= 0)
    return y.replacing(with: x, where: x .!= x)  // NaN in, NaN out
}

/// `e^x`, each lane to within about 2 ulp for `x` in [−87.3, 88.3]; 0 below (where `expf` is
/// subnormal or 0) and `e^88.3` above.
@inline(__always)
public func exponentLanes(_ input: Lanes) -> Lanes {
    // `replacing` rather than `clamped`: the latter is an out-of-line, lane-by-lane call.
    let x = input.replacing(with: -87.3, where: input .< -87.3).replacing(with: 88.3, where: input .> 88.3)
    // Round x·log2(e) to the nearest integer n by adding and removing 1.5·2²³; n + 127 then sits
    // in the low mantissa bits of `shifted`, ready to become the exponent field of 2ⁿ.
    let magic: Float = 12_582_912
    let shifted = x * 1.442_695_04 + (magic + 127)
    let n = shifted - (magic + 127)
    let r = x - n * 0.693_359_375 - n * -2.121_944_4e-4
    var p = Lanes(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let mantissa = p * r * r + r + 1
    let power = unsafeBitCast(unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &<< 23, to: Lanes.self)
    return (mantissa * power).replacing(with: 0, where: input .< -87.3)
}

/// `output[i] = σ(input[i] + bias[i])` for `i < count` (`bias` nil: no bias); `output` may be
/// `input`. The tail shorter than eight lanes goes through the same lane arithmetic, so every
/// element gets the same function wherever it sits.
@inline(__always)
func sigmoidPass(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, bias: UnsafePointer<Float>?, count: Int
) {
    let width = Lanes.scalarCount
    var i = 0
    while i + width <= count {
        var x = loadLanes(input + i)
        if let bias { x += loadLanes(bias + i) }
        storeLanes(sigmoidLanes(x), output + i)
        i += width
    }
    guard i < count else { return }
    var x = Lanes(repeating: 0)
    for lane in 0..<(count - i) { x[lane] = input[i + lane] + (bias?[i + lane] ?? 0) }
    let y = sigmoidLanes(x)
    for lane in 0..<(count - i) { output[i + lane] = y[lane] }
}
