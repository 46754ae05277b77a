#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// `sample_normal(mu, logvar)`: the reparameterized draw `mu + exp(logvar / 2) · ε`, ε ~ N(0, I)
/// from the phase's noise stream, so gradients reach `mu` and `logvar` (Kingma & Welling, 2014).
///
/// `k: 5` draws five codes per sample (IWAE's importance samples, Burda et al., 2016): the result
/// has five rows for each row of `mu`, and every network and function applied to it runs on each.
public struct SampleNormal: BatchFunction {
    public let width: Int
    /// Draws per row of the parameters.
    public let draws: Int
    /// Rows per sample of the parameters (more than one when they come from earlier draws).
    public let parameterDraws: Int
    public var isRandom: Bool { true }
    public var outputDraws: Int? { draws * parameterDraws }
    public var description: String { draws == 1 ? "sample_normal(\(width))" : "sample_normal(\(width), k: \(draws))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        let mu = try arguments.normalParameters(keywords: ["k"])
        let k = try arguments.keyword("k", allowed: ["k"], in: 1...4096) ?? 1
        guard k == k.rounded() else {
            var problem = FunctionProblem("sample_normal's k counts draws per sample; found \(k)")
            problem.keyword = "k"
            throw problem
        }
        guard arguments.draws[0] == arguments.draws[1] else {
            throw FunctionProblem(
                "sample_normal needs mu and logvar from the same draws; found \(arguments.draws[0]) and \(arguments.draws[1])",
                1)
        }
        return .batch(
            SampleNormal(width: mu, draws: Int(k), parameterDraws: arguments.draws[0]), [mu], inputs: [0, 1])
    }

    /// ε, kept for backward.
    public func scratch(inputs: [SampleShape], output: SampleShape, batch: Int) -> Int { batch * width }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        let count = b.batch * width
        random.fillNormal(buffer: b.scratch, count: count)
        let (mu, logvar) = (b.inputs[0], b.inputs[1])
        if draws == 1 {
            for i in 0..<count { b.output[i] = mu[i] + expf(0.5 * logvar[i]) * b.scratch[i] }
            return
        }
        for row in 0..<b.batch {
            let (from, to) = ((row / draws) * width, row * width)
            for j in 0..<width { b.output[to + j] = mu[from + j] + expf(0.5 * logvar[from + j]) * b.scratch[to + j] }
        }
    }

    public func backward(_ b: FunctionBuffers) {
        let (logvar, dOut, epsilon) = (b.inputs[1], b.dOutput, b.scratch)
        if let dMu = b.dInputs[0] {
            writeRepeated(dMu, rows: b.batch, width: width, repeats: draws) { row, j in dOut[row * width + j] }
        }
        if let dLogvar = b.dInputs[1] {
            writeRepeated(dLogvar, rows: b.batch, width: width, repeats: draws) { row, j in
                let at = row * width + j
                return dOut[at] * epsilon[at] * 0.5 * expf(0.5 * logvar[(row / draws) * width + j])
            }
        }
    }
}
