import Kernels

/// `log_bernoulli_logits(logits, x)`: log p(x | logits) of each row under independent Bernoulli
/// pixels, Σ x·l − log(1 + e^l) over its features: the negative of `bce_logits` summed per image,
/// one value per row, so draws of a posterior can be weighed against each other (IWAE).
///
/// `x` may come from one draw while the logits come from several: each draw is read against its
/// sample's image.
public struct LogBernoulliLogits: BatchFunction {
    public let width: Int
    public let draws: Int
    public let logitRepeats: Int
    public let targetRepeats: Int
    public var outputDraws: Int? { draws }
    public var description: String {
        "log_bernoulli_logits(\(width), draws: \(draws)/\(logitRepeats)/\(targetRepeats))"
    }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(2...2)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        let logits = try arguments.batch(0, "logits"), target = try arguments.batch(1, "target")
        guard logits == target else {
            throw FunctionProblem(
                "log_bernoulli_logits needs logits and target of one shape; found \(logits.shapeText) and \(target.shapeText)",
                1)
        }
        let draws = try arguments.broadcastDraws()
        let function = LogBernoulliLogits(
            width: logits.elementCount, draws: draws, logitRepeats: arguments.repeats(0, draws: draws),
            targetRepeats: arguments.repeats(1, draws: draws))
        return .batch(function, [1], inputs: [0, 1])
    }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        let (logits, target) = (b.inputs[0], b.inputs[1])
        for row in 0..<b.batch {
            b.output[row] = bernoulliLogDensity(
                logits: logits + (row / logitRepeats) * width, target: target + (row / targetRepeats) * width,
                width: width)
        }
    }

    public func backward(_ b: FunctionBuffers) {
        let (logits, target, dOut) = (b.inputs[0], b.inputs[1], b.dOutput)
        if let dLogits = b.dInputs[0], logitRepeats == 1 {
            for row in 0..<b.batch {
                bernoulliLogDensityGradient(
                    logits: logits + row * width, target: target + (row / targetRepeats) * width, width: width,
                    scale: dOut[row], gradient: dLogits.0 + row * width, accumulate: dLogits.accumulate)
            }
        } else if let dLogits = b.dInputs[0] {
            writeRepeated(dLogits, rows: b.batch, width: width, repeats: logitRepeats) { row, j in
                let l = logits[(row / logitRepeats) * width + j]
                return dOut[row] * (target[(row / targetRepeats) * width + j] - sigmoidLanes(Lanes(repeating: l))[0])
            }
        }
        if let dTarget = b.dInputs[1] {
            writeRepeated(dTarget, rows: b.batch, width: width, repeats: targetRepeats) { row, j in
                dOut[row] * logits[(row / logitRepeats) * width + j]
            }
        }
    }
}
