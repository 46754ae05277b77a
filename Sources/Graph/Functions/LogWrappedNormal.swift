#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// `log_wrapped_normal(z, loc, logvar)`: the log density of each row of z under the wrapped normal
/// on the Poincaré ball of curvature 1 that `sample_wrapped_normal(loc, logvar)` draws from;
/// `log_wrapped_normal(z)` the same under the prior at the origin with unit variance (pythae's
/// PVAE prior). One value per row: log q(z | x) and log p(z) of the PVAE's loss.
///
/// The point is taken back to the tangent space at the origin, u = 2·artanh(‖m‖)·m/‖m‖ with
/// m = (−loc) ⊕ z, so that ‖u‖ is z's distance from loc; the density is the normal's at u less the
/// log-determinant of the exponential map,
///
///     Σₖ log N(uₖ; 0, exp(logvarₖ)) − (d − 1)·log(sinh ‖u‖ / ‖u‖),
///
/// d the width. Like pythae, artanh reads its argument within 1 − 10⁻⁵ of the rim.
public struct LogWrappedNormal: BatchFunction {
    public let width: Int
    /// Whether it reads loc and logvar (false: the prior at the origin).
    public let hasParameters: Bool
    public var description: String { "log_wrapped_normal(\(width)\(hasParameters ? ", loc, logvar" : ""))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        let (z, parameters) = try arguments.densityPoint(
            prior: "the prior at the origin", location: ("loc", "location"))
        if let index = arguments.draws.firstIndex(where: { $0 != 1 }) {
            throw FunctionProblem(
                "log_wrapped_normal reads one draw per sample; found \(arguments.draws[index]) draws", index)
        }
        let function = LogWrappedNormal(width: z, hasParameters: parameters)
        return .batch(function, [1], inputs: Array(arguments.positional.indices))
    }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        for row in 0..<b.batch {
            let point = Point(b, row: row, width: width, hasParameters: hasParameters)
            var total = -Double(width - 1) * PoincareBall.logSinhRatio(point.distance)
            for k in 0..<width {
                let u = point.logScale * point.difference[k]
                total += -0.5 * (log(2 * Double.pi) + point.logvar(k) + u * u * exp(-point.logvar(k)))
            }
            b.output[row] = Float(total)
        }
    }

    public func backward(_ b: FunctionBuffers) {
        for row in 0..<b.batch {
            let point = Point(b, row: row, width: width, hasParameters: hasParameters)
            let (upstream, m) = (Double(b.dOutput[row]), point.difference)
            let curving = Double(width - 1) * PoincareBall.logSinhRatioSlope(point.distance)
            // ∂/∂uₖ = −uₖ/σₖ² − (d − 1)·(log(sinh t/t))′·uₖ/t, t = ‖u‖; u = G(ρ)·m, ρ = ‖m‖.
            let du = { (k: Int) in
                -upstream * point.logScale * m[k] * (exp(-point.logvar(k)) + curving)
            }
            var duDotM = 0.0
            for k in 0..<width { duDotM += du(k) * m[k] }
            let slope = PoincareBall.logSlope(point.norm)
            let dm = { (k: Int) in point.logScale * du(k) + slope * duDotM * m[k] }
            let (dNegLoc, dz) = m.pullback(width: width, dm)
            let at = row * width
            if let gradient = b.dInputs[0] {
                for k in 0..<width { write(Float(m.value(dz, dm, k)), to: gradient, at: at + k) }
            }
            guard hasParameters else { continue }
            if let gradient = b.dInputs[1] {
                for k in 0..<width { write(Float(-m.value(dNegLoc, dm, k)), to: gradient, at: at + k) }
            }
            if let gradient = b.dInputs[2] {
                for k in 0..<width {
                    let u = point.logScale * m[k]
                    write(Float(upstream * 0.5 * (u * u * exp(-point.logvar(k)) - 1)), to: gradient, at: at + k)
                }
            }
        }
    }

    /// One row's difference m = (−loc) ⊕ z, its norm ρ, the scale G(ρ) that takes it to the
    /// tangent vector u, and ‖u‖, the distance from loc.
    struct Point {
        let difference: MobiusSum<FloatRow, FloatRow>
        let norm: Double
        let logScale: Double
        let distance: Double
        /// The row's log-variances; none for the prior's, which are 0.
        let logvars: UnsafeMutablePointer<Float>?

        init(_ b: FunctionBuffers, row: Int, width: Int, hasParameters: Bool) {
            let z = FloatRow(values: b.inputs[0] + row * width, sign: 1)
            let loc = FloatRow(values: hasParameters ? b.inputs[1] + row * width : nil, sign: -1)
            difference = MobiusSum(width: width, x: loc, y: z)
            logvars = hasParameters ? b.inputs[2] + row * width : nil
            var squared = 0.0
            for k in 0..<width { squared += difference[k] * difference[k] }
            norm = squared.squareRoot()
            logScale = PoincareBall.logScale(norm)
            distance = logScale * norm
        }

        func logvar(_ k: Int) -> Double { logvars.map { Double($0[k]) } ?? 0 }
    }
}
