import Kernels

/// `concat(a, b, …)`: flat feature batches side by side, in argument order.
public struct Concat: BatchFunction {
    public let widths: [Int]
    public var description: String { "concat(\(widths.map(String.init).joined(separator: ", ")))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(2...64)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        var widths: [Int] = []
        for index in arguments.positional.indices {
            if case .batch(_, labels: true) = arguments.positional[index] {
                throw FunctionProblem("concat takes feature batches; use onehot(y) for the labels", index)
            }
            widths.append(try arguments.flat(index, "argument \(index + 1)"))
        }
        return .batch(Concat(widths: widths), [widths.reduce(0, +)], inputs: Array(widths.indices))
    }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        let total = widths.reduce(0, +)
        for sample in 0..<b.batch {
            var offset = sample * total
            for (input, width) in zip(b.inputs, widths) {
                (b.output + offset).update(from: input + sample * width, count: width)
                offset += width
            }
        }
    }

    public func backward(_ b: FunctionBuffers) {
        let total = widths.reduce(0, +)
        var column = 0
        for (index, width) in widths.enumerated() {
            if let gradient = b.dInputs[index] {
                for sample in 0..<b.batch {
                    for j in 0..<width {
                        write(b.dOutput[sample * total + column + j], to: gradient, at: sample * width + j)
                    }
                }
            }
            column += width
        }
    }
}
