import Kernels

/// `concat(a, b, …)`: flat feature batches side by side, in argument order; a constant argument is
/// a column holding that value (`concat(z, 0)` starts a flow's running log-determinant at 0).
public struct Concat: BatchFunction {
    /// One argument: a batch of this many features, or a constant column.
    public enum Part: Sendable, Equatable {
        case batch(Int)
        case constant(Float)

        var width: Int { if case .batch(let width) = self { width } else { 1 } }
    }

    public let parts: [Part]
    public var description: String {
        let texts = parts.map { part in
            switch part {
            case .batch(let width): return String(width)
            case .constant(let value): return "=\(value)"
            }
        }
        return "concat(\(texts.joined(separator: ", ")))"
    }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(2...64)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        var parts: [Part] = [], inputs: [Int] = []
        for index in arguments.positional.indices {
            if case .batch(_, labels: true) = arguments.positional[index] {
                throw FunctionProblem("concat takes feature batches; use onehot(y) for the labels", index)
            }
            if case .constant(let value) = arguments.positional[index] {
                parts.append(.constant(Float(value)))
                continue
            }
            parts.append(.batch(try arguments.flat(index, "argument \(index + 1)")))
            inputs.append(index)
        }
        guard !inputs.isEmpty else { throw FunctionProblem("concat needs at least one batch; found only numbers") }
        return .batch(Concat(parts: parts), [parts.reduce(0) { $0 + $1.width }], inputs: inputs)
    }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        let total = parts.reduce(0) { $0 + $1.width }
        for sample in 0..<b.batch {
            var offset = sample * total, input = 0
            for part in parts {
                switch part {
                case .batch(let width):
                    (b.output + offset).update(from: b.inputs[input] + sample * width, count: width)
                    input += 1
                case .constant(let value): b.output[offset] = value
                }
                offset += part.width
            }
        }
    }

    public func backward(_ b: FunctionBuffers) {
        let total = parts.reduce(0) { $0 + $1.width }
        var column = 0, input = 0
        for part in parts {
            defer { column += part.width }
            guard case .batch(let width) = part else { continue }
            defer { input += 1 }
            guard let gradient = b.dInputs[input] else { continue }
            for sample in 0..<b.batch {
                for j in 0..<width {
                    write(b.dOutput[sample * total + column + j], to: gradient, at: sample * width + j)
                }
            }
        }
    }
}
