#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// `log_normal(z, mu, logvar)`: log N(z; mu, diag(exp(logvar))) of each row, summed over its
/// features; `log_normal(z)`: the same under the standard normal prior N(0, I). One value per row:
/// with IWAE's draws, log q(z | x) and log p(z) of each draw (Burda et al., 2016).
///
/// `mu` and `logvar` may come from one draw while `z` comes from several: each draw is then read
/// against its sample's parameters.
public struct LogNormal: BatchFunction {
    public let width: Int
    /// Whether it reads mu and logvar (false: the standard normal).
    public let hasParameters: Bool
    /// Rows of the result per sample, and how often each row of `z` and of the parameters is read.
    public let draws: Int
    public let zRepeats: Int
    public let parameterRepeats: Int
    public var outputDraws: Int? { draws }
    public var description: String {
        "log_normal(\(width)\(hasParameters ? ", mu, logvar" : ""), draws: \(draws)/\(zRepeats)/\(parameterRepeats))"
    }
    static let logTwoPi = Float(log(2 * Double.pi))

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        let (z, parameters) = try arguments.densityPoint(prior: "N(0, I)", location: ("mu", "mean"))
        if parameters {
            guard arguments.draws[1] == arguments.draws[2] else {
                throw FunctionProblem("log_normal needs mu and logvar from the same draws", 2)
            }
        }
        let draws = try arguments.broadcastDraws()
        let function = LogNormal(
            width: z, hasParameters: parameters, draws: draws, zRepeats: arguments.repeats(0, draws: draws),
            parameterRepeats: parameters ? arguments.repeats(1, draws: draws) : 1)
        return .batch(function, [1], inputs: Array(arguments.positional.indices))
    }

    /// The standardized difference (z − mu)·exp(−logvar/2) of each row and feature, for backward.
    public func scratch(inputs: [SampleShape], output: SampleShape, batch: Int) -> Int { batch * width }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        let z = b.inputs[0]
        for row in 0..<b.batch {
            let (zRow, pRow) = ((row / zRepeats) * width, (row / parameterRepeats) * width)
            var total: Float = 0
            for j in 0..<width {
                var standardized = z[zRow + j], logvar: Float = 0
                if hasParameters {
                    logvar = b.inputs[2][pRow + j]
                    standardized = (standardized - b.inputs[1][pRow + j]) * expf(-0.5 * logvar)
                }
                b.scratch[row * width + j] = standardized
                total += -0.5 * (Self.logTwoPi + logvar + standardized * standardized)
            }
            b.output[row] = total
        }
    }

    public func backward(_ b: FunctionBuffers) {
        let (dOut, standardized) = (b.dOutput, b.scratch)
        // ∂/∂z = −(z − mu)/σ², ∂/∂mu = (z − mu)/σ², ∂/∂logvar = ½((z − mu)²/σ² − 1).
        func overSigma(_ row: Int, _ j: Int) -> Float {
            let s = standardized[row * width + j]
            return hasParameters ? s * expf(-0.5 * b.inputs[2][(row / parameterRepeats) * width + j]) : s
        }
        if let dZ = b.dInputs[0] {
            writeRepeated(dZ, rows: b.batch, width: width, repeats: zRepeats) { row, j in -dOut[row] * overSigma(row, j)
            }
        }
        guard hasParameters else { return }
        if let dMu = b.dInputs[1] {
            writeRepeated(dMu, rows: b.batch, width: width, repeats: parameterRepeats) { row, j in
                dOut[row] * overSigma(row, j)
            }
        }
        if let dLogvar = b.dInputs[2] {
            writeRepeated(dLogvar, rows: b.batch, width: width, repeats: parameterRepeats) { row, j in
                let s = standardized[row * width + j]
                return dOut[row] * 0.5 * (s * s - 1)
            }
        }
    }
}
