/// log(1 + e^x) on eight lanes without overflow: max(x, 0) + log(1 + e^−|x|). No libm: the same
/// bits on every machine.
@inline(__always)
func softplusLanes(_ x: Lanes) -> Lanes {
    x.replacing(with: 0, where: x .< 0) + softplusRemainderLanes(x)
}

/// log(1 + e^−|x|), the part of softplus that is not max(x, 0): from the series
/// 2·atanh(s) = 2(s + s³/3 + …) with s = e/(2 + e) ≤ 1/3, e = e^−|x|, which seven terms carry to
/// float precision (the next term is below 3·10⁻⁸ of the result).
@inline(__always)
func softplusRemainderLanes(_ x: Lanes) -> Lanes {
    let magnitude = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) | 0x8000_0000, to: Lanes.self)
    let e = exponentLanes(magnitude)  // e^(−|x|), in [0, 1]
    let s = e / (2 + e)
    let s2 = s * s
    var series = Lanes(repeating: 1 / 13)
    for k in stride(from: 11, through: 1, by: -2) { series = series * s2 + 1 / Float(k) }
    return 2 * s * series
}

/// One row's log p(target | logits) under independent Bernoulli values:
/// Σ target·logit − log(1 + e^logit) over `width` values, summed in eight fixed lanes.
public func bernoulliLogDensity(logits: UnsafePointer<Float>, target: UnsafePointer<Float>, width: Int) -> Float {
    var sums = Lanes(repeating: 0)
    var i = 0
    while i + Lanes.scalarCount <= width {
        let l = loadLanes(logits + i)
        sums += loadLanes(target + i) * l - softplusLanes(l)
        i += Lanes.scalarCount
    }
    if i < width {
        var (l, t) = (Lanes(repeating: 0), Lanes(repeating: 0))
        for lane in 0..<(width - i) { (l[lane], t[lane]) = (logits[i + lane], target[i + lane]) }
        let term = t * l - softplusLanes(l)
        for lane in 0..<(width - i) { sums[lane] += term[lane] }
    }
    return sums.sum()
}

/// `gradient (= | +=) scale · (target − σ(logits))` over `width` values: the derivative of
/// `scale · bernoulliLogDensity` in the logits.
public func bernoulliLogDensityGradient(
    logits: UnsafePointer<Float>, target: UnsafePointer<Float>, width: Int, scale: Float,
    gradient: UnsafeMutablePointer<Float>, accumulate: Bool
) {
    var i = 0
    while i + Lanes.scalarCount <= width {
        var g = scale * (loadLanes(target + i) - sigmoidLanes(loadLanes(logits + i)))
        if accumulate { g += loadLanes(gradient + i) }
        storeLanes(g, gradient + i)
        i += Lanes.scalarCount
    }
    guard i < width else { return }
    var (l, t) = (Lanes(repeating: 0), Lanes(repeating: 0))
    for lane in 0..<(width - i) { (l[lane], t[lane]) = (logits[i + lane], target[i + lane]) }
    let g = scale * (t - sigmoidLanes(l))
    for lane in 0..<(width - i) { gradient[i + lane] = (accumulate ? gradient[i + lane] : 0) + g[lane] }
}
