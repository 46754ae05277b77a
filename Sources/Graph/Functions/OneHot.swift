import Kernels

/// `onehot(y)`: the batch's labels as one-hot rows of `classes` values (no gradient: labels are data).
public struct OneHot: BatchFunction {
    public let classes: Int
    public var description: String { "onehot(classes: \(classes))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(1...1)
        try arguments.labels(0, "argument")
        let given = try arguments.keyword("classes", allowed: ["classes"], in: 2...100_000).map { Int($0) }
        guard let classes = given ?? arguments.classes else {
            throw FunctionProblem("onehot cannot tell how many classes the labels have; write onehot(y, classes: 10)")
        }
        return .batch(OneHot(classes: classes), [classes], inputs: [0])
    }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        b.output.update(repeating: 0, count: b.batch * classes)
        for sample in 0..<b.batch {
            let label = Int(b.inputs[0][sample])
            if label >= 0 && label < classes { b.output[sample * classes + label] = 1 }
        }
    }

    public func backward(_ b: FunctionBuffers) {}
}
