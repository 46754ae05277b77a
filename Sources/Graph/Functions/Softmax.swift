#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// `softmax(logits)`: each row of flat features turned into probabilities that sum to 1 (a
/// categorical code, as the semi-supervised AAE's digit head gives its decoder and adversary).
public struct Softmax: BatchFunction {
    public let width: Int
    public var description: String { "softmax(\(width))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(1...1)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        let width = try arguments.flat(0, "logits")
        return .batch(Softmax(width: width), [width], inputs: [0])
    }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        for sample in 0..<b.batch {
            _ = softmaxRow(probabilities: b.output + sample * width, row: b.inputs[0] + sample * width, count: width)
        }
    }

    /// d logitⱼ = pⱼ (d pⱼ − Σₖ pₖ d pₖ).
    public func backward(_ b: FunctionBuffers) {
        guard let gradient = b.dInputs[0] else { return }
        for sample in 0..<b.batch {
            let p = b.output + sample * width, dp = b.dOutput + sample * width
            var dot = 0.0
            for k in 0..<width { dot += Double(p[k]) * Double(dp[k]) }
            for j in 0..<width {
                write(Float(Double(p[j]) * (Double(dp[j]) - dot)), to: gradient, at: sample * width + j)
            }
        }
    }
}
