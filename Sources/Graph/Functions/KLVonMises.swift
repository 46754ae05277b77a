#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// `kl_von_mises(loc, kappa)`: KL(vMF(loc/‖loc‖, κ) ‖ uniform on S^{m−1}) in closed form, m the
/// width of `loc`, averaged over the batch: the S-VAE's regularizer (Davidson et al., 2018; pythae's
/// SVAE `_compute_kl`). With ν = m/2 − 1 and A = I_{ν+1}(κ)/I_ν(κ), per sample
///
///     κA + ν·log κ − (m/2)·log 2π − log I_ν(κ) + log 2 + (m/2)·log π − log Γ(m/2),
///
/// the expected log density of the von Mises–Fisher distribution less the uniform's. It depends
/// on κ only (the uniform distribution has no direction), so `loc` gives the width and gets a zero
/// gradient. κ below 0 is read as 0, where the KL is 0.
public struct KLVonMises: TermFunction {
    /// m, the width of `loc`.
    public let width: Int
    public var description: String { "kl_von_mises(\(width))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        let width = try arguments.vonMisesParameters()
        return .term(KLVonMises(width: width), inputs: [0, 1])
    }

    public func forward(_ b: TermBuffers) -> Double {
        var total = 0.0
        for row in 0..<b.batch { total += Self.divergence(dimension: width, kappa: Double(b.inputs[1][row])) }
        return total / Double(max(b.batch, 1))
    }

    public func backward(_ b: TermBuffers, upstream: Double) {
        let scale = upstream / Double(max(b.batch, 1))
        if let dKappa = b.dInputs[1] {
            for row in 0..<b.batch {
                let slope = Self.slope(dimension: width, kappa: Double(b.inputs[1][row]))
                write(Float(scale * slope), to: dKappa, at: row)
            }
        }
        if let dLoc = b.dInputs[0] {
            for i in 0..<(b.batch * width) { write(0, to: dLoc, at: i) }
        }
    }

    /// The KL of one sample, in `Double`. ν·log κ − log I_ν(κ) is one logarithm of I_ν(κ)/κ^ν,
    /// finite at κ = 0; at large κ, κA and log I_ν(κ) both grow like κ and cancel to
    /// ((m − 1)/2)·log κ plus a constant, which `Double` keeps to about 10⁻¹⁶·κ.
    static func divergence(dimension: Int, kappa raw: Double) -> Double {
        let (kappa, m) = (max(raw, 0), Double(dimension))
        let order = m / 2 - 1
        let concentrated =
            kappa * ModifiedBessel.ratio(order: order, at: kappa)
            - ModifiedBessel.logScaled(order: order, at: kappa)
        return concentrated - (m / 2) * log(2.0 * Double.pi) + log(2.0) + (m / 2) * log(Double.pi) - lgamma(m / 2)
    }

    /// dKL/dκ = κ·A′(κ) = κ(1 − A²) − (m − 1)·A: the κ·A′ left once d/dκ log I_ν = A + ν/κ cancels
    /// the other terms, with A′ = 1 − A² − (2ν + 1)A/κ (the recurrences of I_ν′).
    static func slope(dimension: Int, kappa raw: Double) -> Double {
        guard raw > 0 else { return 0 }
        let m = Double(dimension)
        let ratio = ModifiedBessel.ratio(order: m / 2 - 1, at: raw)
        return raw * (1 - ratio) * (1 + ratio) - (m - 1) * ratio
    }
}
