import Kernels

/// `mean(v)`: the mean of a batch over its rows and features, a term of the loss: with per-sample
/// values such as `logmeanexp(…)` or `log_normal(…)`, their batch mean (over every draw's row).
public struct Mean: TermFunction {
    public let width: Int
    public var description: String { "mean(\(width))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(1...1)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        let shape = try arguments.batch(0, "values")
        return .term(Mean(width: shape.elementCount), inputs: [0])
    }

    public func forward(_ b: TermBuffers) -> Double {
        let values = b.inputs[0]
        var total = 0.0
        for i in 0..<(b.batch * width) { total += Double(values[i]) }
        return total / Double(max(b.batch * width, 1))
    }

    public func backward(_ b: TermBuffers, upstream: Double) {
        guard let dValues = b.dInputs[0] else { return }
        let share = Float(upstream / Double(max(b.batch * width, 1)))
        for i in 0..<(b.batch * width) { write(share, to: dValues, at: i) }
    }
}
