#if canImport(Glibc)
    import Glibc
#endif
import Kernels
import Spec

/// `logmeanexp(v)`: log of the mean of exp(v) over each sample's draws, computed without overflow
/// (the largest value factored out): IWAE's bound log (1/k) Σ w from the log weights of k draws.
///
/// `k: g` averages each consecutive group of g draws instead, leaving draws/g rows per sample:
/// MIWAE's M bounds of K draws each from `sample_normal(…, k: M·K)` (Rainforth et al., 2018).
public struct LogMeanExp: BatchFunction {
    public let width: Int
    /// Draws averaged together, and the rows per sample left.
    public let group: Int
    public let remaining: Int
    public var outputDraws: Int? { remaining }
    public var description: String { "logmeanexp(\(width), k: \(group))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(1...1)
        let width = try arguments.flat(0, "values")
        let draws = arguments.draws[0]
        let group = try arguments.keyword("k", allowed: ["k"], in: 1...4096) ?? Double(draws)
        guard group == group.rounded(), draws % Int(group) == 0 else {
            var problem = FunctionProblem(
                "logmeanexp's k must divide the \(draws) draws of its values into whole groups; found \(LossExpression.format(group))"
            )
            problem.keyword = "k"
            throw problem
        }
        return .batch(
            LogMeanExp(width: width, group: Int(group), remaining: draws / Int(group)), [width], inputs: [0])
    }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        let values = b.inputs[0]
        let logGroup = logf(Float(group))
        for row in 0..<b.batch {
            for j in 0..<width {
                let first = row * group * width + j
                var largest = -Float.infinity
                for draw in 0..<group { largest = max(largest, values[first + draw * width]) }
                if largest == -.infinity {
                    b.output[row * width + j] = largest
                    continue
                }
                var sum: Float = 0
                for draw in 0..<group { sum += expf(values[first + draw * width] - largest) }
                b.output[row * width + j] = largest + logf(sum) - logGroup
            }
        }
    }

    /// Each draw's share of the mean, exp(v − result)/g: IWAE's normalized importance weights.
    public func backward(_ b: FunctionBuffers) {
        guard let dValues = b.dInputs[0] else { return }
        let (values, result) = (b.inputs[0], b.output)
        let scale = 1 / Float(group)
        for row in 0..<b.batch {
            for j in 0..<width {
                let (first, out) = (row * group * width + j, row * width + j)
                for draw in 0..<group {
                    let weight =
                        result[out] == -.infinity ? scale : expf(values[first + draw * width] - result[out]) * scale
                    write(b.dOutput[out] * weight, to: dValues, at: first + draw * width)
                }
            }
        }
    }
}
