/// The natural logarithm on eight lanes, for losses that take the log of every prediction.
///
/// `x = m·2^e` with `m` in [√½, √2), then `log m = 2·atanh(s) = 2(s + s³/3 + … + s⁹/9)` with
/// `s = (m − 1)/(m + 1)`, `|s| ≤ 0.172`, where the first term left out is below 2·10⁻⁹ of the
/// sum; `e·ln 2` is added in two parts so that it stays exact. A few ulp from the true value, the
/// same bits on every machine (no libm). 0 gives −∞, +∞ gives +∞, a negative or NaN lane NaN;
/// subnormal lanes are scaled into the normal range first.
@inline(__always)
public func logarithmLanes(_ x: Lanes) -> Lanes {
    let subnormal = x .< Float.leastNormalMagnitude
    let scaled = x.replacing(with: x * 8_388_608, where: subnormal)  // · 2²³
    let bits = unsafeBitCast(scaled, to: SIMD8<UInt32>.self)
    var exponent = Lanes(SIMD8<Int32>(truncatingIfNeeded: (bits &>> 23) & 0xff) &- 127)
    exponent = exponent.replacing(with: exponent - 23, where: subnormal)
    var m = unsafeBitCast((bits & 0x007f_ffff) | 0x3f80_0000, to: Lanes.self)  // in [1, 2)
    let high = m .> 1.414_213_56
    m = m.replacing(with: m * 0.5, where: high)
    exponent = exponent.replacing(with: exponent + 1, where: high)
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    var series = Lanes(repeating: 1 / 9)
    for k in stride(from: 7, through: 1, by: -2) { series = series * s2 + 1 / Float(k) }
    var y = exponent * 0.693_359_375 + (exponent * -2.121_944_4e-4 + 2 * s * series)
    y = y.replacing(with: -.infinity, where: x .== 0)
    y = y.replacing(with: .infinity, where: x .== .infinity)
    return y.replacing(with: .nan, where: .!(x .>= 0))
}
