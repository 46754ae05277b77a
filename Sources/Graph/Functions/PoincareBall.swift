#if canImport(Glibc)
    import Glibc
#endif

/// One row of coordinates that a Möbius sum reads one at a time, in `Double`.
protocol BallRow {
    subscript(k: Int) -> Double { get }
}

/// A row of a batch, or its negation, or the origin when there is no batch.
struct FloatRow: BallRow {
    let values: UnsafeMutablePointer<Float>?
    let sign: Double

    subscript(k: Int) -> Double { values.map { sign * Double($0[k]) } ?? 0 }
}

/// Möbius addition x ⊕ y on the Poincaré ball of curvature 1, the operation under the wrapped
/// normal's draws and densities (Mathieu et al., 2019; pythae's PVAE), in `Double` for one row:
///
///     x ⊕ y = ((1 + 2⟨x, y⟩ + ‖y‖²)·x + (1 − ‖x‖²)·y) / (1 + 2⟨x, y⟩ + ‖x‖²‖y‖²).
///
/// The denominator is held at 10⁻¹⁵ or more, as pythae holds it, for points off the ball.
struct MobiusSum<X: BallRow, Y: BallRow> {
    let x: X
    let y: Y
    let xx: Double
    let yy: Double
    /// The coefficients of x and y in the numerator, and the denominator.
    let onX: Double
    let onY: Double
    let denominator: Double

    init(width: Int, x: X, y: Y) {
        var (xx, yy, xy) = (0.0, 0.0, 0.0)
        for k in 0..<width { (xx, yy, xy) = (xx + x[k] * x[k], yy + y[k] * y[k], xy + x[k] * y[k]) }
        (self.x, self.y, self.xx, self.yy) = (x, y, xx, yy)
        (onX, onY) = (1 + 2 * xy + yy, 1 - xx)
        denominator = max(1 + 2 * xy + xx * yy, 1e-15)
    }

    subscript(k: Int) -> Double { (onX * x[k] + onY * y[k]) / denominator }

    /// The gradients to x and to y of ⟨g, x ⊕ y⟩, each a combination of g, x and y.
    func pullback(width: Int, _ g: (Int) -> Double) -> (dx: Combination, dy: Combination) {
        var (gx, gy) = (0.0, 0.0)
        for k in 0..<width { (gx, gy) = (gx + g(k) * x[k], gy + g(k) * y[k]) }
        let d = denominator
        let gOut = (onX * gx + onY * gy) / d
        // The numerator's coefficients and the denominator each depend on x and y through
        // ⟨x, y⟩, ‖x‖² and ‖y‖²: ∇ₓ(1 + 2⟨x,y⟩ + ‖y‖²) = 2y, ∇ₓ(1 − ‖x‖²) = −2x, ∇ₓD = 2y + 2‖y‖²x, …
        let dx = Combination(
            onG: onX / d, onX: (-2 * gy - 2 * yy * gOut) / d, onY: (2 * gx - 2 * gOut) / d)
        let dy = Combination(
            onG: onY / d, onX: (2 * gx - 2 * gOut) / d, onY: (2 * gx - 2 * xx * gOut) / d)
        return (dx, dy)
    }

    /// a·g + b·x + c·y, component by component.
    struct Combination {
        let onG: Double
        let onX: Double
        let onY: Double
    }

    func value(_ combination: Combination, _ g: (Int) -> Double, _ k: Int) -> Double {
        combination.onG * g(k) + combination.onX * x[k] + combination.onY * y[k]
    }
}

/// The ball's scalar functions, with the limits their quotients take at 0.
enum PoincareBall {
    /// pythae's artanh reads its argument within ±(1 − 10⁻⁵), so points on or off the rim of the
    /// ball have a finite distance (and no gradient through it).
    static let artanhLimit = 1 - 1e-5

    static func artanh(_ value: Double) -> Double { atanh(min(value, artanhLimit)) }

    /// tanh(r/2)/r, the scale that takes a tangent vector s at the origin, halved, to the ball:
    /// expmap₀(s/2) = (tanh(r/2)/r)·s with r = ‖s‖.
    static func halfExpScale(_ r: Double) -> Double { r < 1e-4 ? 0.5 - r * r / 24 : tanh(r / 2) / r }

    /// (d/dr of halfExpScale)/r.
    static func halfExpSlope(_ r: Double) -> Double {
        guard r >= 1e-3 else { return -1.0 / 12 }
        let t = tanh(r / 2)
        return (r * (1 - t * t) / 2 - t) / (r * r * r)
    }

    /// 2·artanh(ρ)/ρ, the scale that takes a point of the ball at norm ρ to twice its logarithm
    /// at the origin: the tangent vector whose length is the point's distance from the origin.
    static func logScale(_ rho: Double) -> Double { rho < 1e-4 ? 2 + 2 * rho * rho / 3 : 2 * artanh(rho) / rho }

    /// (d/dρ of logScale)/ρ; past the limit only the 1/ρ varies.
    static func logSlope(_ rho: Double) -> Double {
        if rho < 1e-3 { return 4.0 / 3 }
        if rho >= artanhLimit { return -2 * artanh(rho) / (rho * rho * rho) }
        return (2 * rho / (1 - rho * rho) - 2 * atanh(rho)) / (rho * rho * rho)
    }

    /// log(sinh t / t), the log-determinant of the exponential map per dimension past the first at
    /// distance t, and (d/dt of it)/t.
    static func logSinhRatio(_ t: Double) -> Double {
        t < 1e-4 ? t * t / 6 : t + log1p(-exp(-2 * t)) - log(2) - log(t)
    }

    static func logSinhRatioSlope(_ t: Double) -> Double { t < 1e-3 ? 1.0 / 3 : (1 / tanh(t) - 1 / t) / t }
}
