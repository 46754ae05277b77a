#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// `cross_entropy(logits, y)`: softmax cross-entropy against integer labels, averaged over the
/// batch (PyTorch's `CrossEntropyLoss`). A label outside the classes contributes nothing.
public struct CrossEntropy: TermFunction {
    public let classes: Int
    public var description: String { "cross_entropy(\(classes))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(2...2)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        let classes = try arguments.flat(0, "logits")
        try arguments.labels(1, "target")
        if let known = arguments.classes, known > classes {
            throw FunctionProblem(
                "cross_entropy's logits have \(classes) values per sample, but the labels take \(known) classes", 0)
        }
        return .term(CrossEntropy(classes: classes), inputs: [0, 1])
    }

    /// The softmax probabilities, kept for backward.
    public func scratch(inputs: [SampleShape], batch: Int) -> Int { batch * classes }

    public func forward(_ b: TermBuffers) -> Double {
        var total = 0.0
        for sample in 0..<b.batch {
            let row = b.inputs[0] + sample * classes
            let logNormalizer = softmaxRow(probabilities: b.scratch + sample * classes, row: row, count: classes)
            let label = Int(b.inputs[1][sample])
            if label >= 0 && label < classes { total += logNormalizer - Double(row[label]) }
        }
        return total / Double(max(b.batch, 1))
    }

    public func backward(_ b: TermBuffers, upstream: Double) {
        guard let dLogits = b.dInputs[0] else { return }
        let scale = Float(upstream / Double(max(b.batch, 1)))
        for sample in 0..<b.batch {
            let label = Int(b.inputs[1][sample])
            let valid = label >= 0 && label < classes
            for j in 0..<classes {
                let p = valid ? b.scratch[sample * classes + j] - (j == label ? 1 : 0) : 0
                write(scale * p, to: dLogits, at: sample * classes + j)
            }
        }
    }
}
