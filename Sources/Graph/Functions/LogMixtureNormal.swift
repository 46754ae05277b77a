#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// `log_mixture_normal(z, mu, logvar)`: the log density of each row of `z` under the mixture, with
/// equal weights, of the normals N(mu_c, diag(exp(logvar_c))) whose parameters are the rows of
/// `mu` and `logvar`: log (1/K) Σ_c N(z; mu_c, σ²_c). Those rows are a set of their own, not the
/// batch's: VAMP's prior reads the codes of its pseudo-inputs, `encoder(pseudo(eye(50)))`
/// (Tomczak & Welling, 2018). One value per row of `z`.
public struct LogMixtureNormal: BatchFunction {
    public let width: Int
    public let components: Int
    /// Rows per sample of `z`, which the result keeps.
    public let draws: Int
    public var outputDraws: Int? { draws }
    public var readsFixedRows: Bool { true }
    public var description: String { "log_mixture_normal(\(width), components: \(components), draws: \(draws))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(3...3)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        let z = try arguments.flat(0, "point")
        let mu = try arguments.flat(1, "component means"), logvar = try arguments.flat(2, "component log-variances")
        for (index, width) in [(1, mu), (2, logvar)] where width != z {
            throw FunctionProblem(
                "log_mixture_normal needs z, mu and logvar of one size; found \(z) and \(width)", index)
        }
        guard arguments.fixedRows[0] == nil else {
            throw FunctionProblem("the point of log_mixture_normal must be the batch's, such as z or a draw", 0)
        }
        guard let components = arguments.fixedRows[1], arguments.fixedRows[2] == components else {
            throw FunctionProblem(
                "log_mixture_normal reads its components from rows of their own, such as encoder(pseudo(eye(50))).mu; this argument follows the batch",
                arguments.fixedRows[1] == nil ? 1 : 2)
        }
        let function = LogMixtureNormal(width: z, components: components, draws: arguments.draws[0])
        return .batch(function, [1], inputs: [0, 1, 2])
    }

    /// Each row's responsibilities, the normalized weight of every component, for backward.
    public func scratch(inputs: [SampleShape], output: SampleShape, batch: Int) -> Int { batch * components }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        let (z, mu, logvar) = (b.inputs[0], b.inputs[1], b.inputs[2])
        let constant = -0.5 * Float(width) * LogNormal.logTwoPi
        for row in 0..<b.batch {
            let weights = b.scratch + row * components
            var largest = -Float.infinity
            for c in 0..<components {
                var total = constant
                for j in 0..<width {
                    let v = logvar[c * width + j], d = z[row * width + j] - mu[c * width + j]
                    total -= 0.5 * (v + d * d * expf(-v))
                }
                weights[c] = total
                largest = max(largest, total)
            }
            var sum: Float = 0
            for c in 0..<components {
                weights[c] = expf(weights[c] - largest)
                sum += weights[c]
            }
            for c in 0..<components { weights[c] /= sum }
            b.output[row] = largest + logf(sum) - logf(Float(components))
        }
    }

    /// With responsibilities r_c: ∂/∂z = −Σ_c r_c (z − mu_c)/σ²_c, ∂/∂mu_c = r_c (z − mu_c)/σ²_c,
    /// ∂/∂logvar_c = ½ r_c ((z − mu_c)²/σ²_c − 1), each times the row's upstream gradient.
    public func backward(_ b: FunctionBuffers) {
        let (z, mu, logvar) = (b.inputs[0], b.inputs[1], b.inputs[2])
        func step(_ row: Int, _ c: Int, _ j: Int) -> (scaled: Float, squared: Float) {
            let d = z[row * width + j] - mu[c * width + j], inverse = expf(-logvar[c * width + j])
            return (d * inverse, d * d * inverse)
        }
        if let dZ = b.dInputs[0] {
            for row in 0..<b.batch {
                for j in 0..<width {
                    var sum: Float = 0
                    for c in 0..<components { sum += b.scratch[row * components + c] * step(row, c, j).scaled }
                    write(-b.dOutput[row] * sum, to: dZ, at: row * width + j)
                }
            }
        }
        let (dMu, dLogvar) = (b.dInputs[1], b.dInputs[2])
        guard dMu != nil || dLogvar != nil else { return }
        for c in 0..<components {
            for j in 0..<width {
                var (muSum, logvarSum): (Float, Float) = (0, 0)
                for row in 0..<b.batch {
                    let weight = b.dOutput[row] * b.scratch[row * components + c], (scaled, squared) = step(row, c, j)
                    muSum += weight * scaled
                    logvarSum += weight * 0.5 * (squared - 1)
                }
                if let dMu { write(muSum, to: dMu, at: c * width + j) }
                if let dLogvar { write(logvarSum, to: dLogvar, at: c * width + j) }
            }
        }
    }
}
