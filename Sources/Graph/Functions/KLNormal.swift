#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// `kl_normal(mu, logvar)`: KL(N(mu, diag(exp(logvar))) ‖ N(0, I)) in closed form,
/// ½ Σ (mu² + exp(logvar) − 1 − logvar), summed over features and averaged over the batch.
public struct KLNormal: TermFunction {
    public let width: Int
    public var description: String { "kl_normal(\(width))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        let mu = try arguments.normalParameters()
        return .term(KLNormal(width: mu), inputs: [0, 1])
    }

    public func forward(_ b: TermBuffers) -> Double {
        let (mu, logvar) = (b.inputs[0], b.inputs[1])
        var total = 0.0
        for i in 0..<(b.batch * width) {
            let (m, v) = (Double(mu[i]), Double(logvar[i]))
            total += 0.5 * (m * m + exp(v) - 1 - v)
        }
        return total / Double(max(b.batch, 1))
    }

    public func backward(_ b: TermBuffers, upstream: Double) {
        let scale = Float(upstream / Double(max(b.batch, 1)))
        let (mu, logvar) = (b.inputs[0], b.inputs[1])
        if let dMu = b.dInputs[0] {
            for i in 0..<(b.batch * width) { write(scale * mu[i], to: dMu, at: i) }
        }
        if let dLogvar = b.dInputs[1] {
            for i in 0..<(b.batch * width) { write(scale * 0.5 * (expf(logvar[i]) - 1), to: dLogvar, at: i) }
        }
    }
}
