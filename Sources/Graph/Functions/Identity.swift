import Kernels

/// `eye(k)`: the k×k identity as k rows of their own, whatever the batch. A network applied to it
/// turns each row into one learnt vector: `pseudo(eye(50))`, a dense layer of 50 inputs, gives
/// VAMP's 50 pseudo-inputs (its weights are them), a set of rows the data batch does not hold.
public struct Identity: BatchFunction {
    public let size: Int
    public var outputFixedRows: Int? { size }
    public var description: String { "eye(\(size))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(1...1)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        let size = try arguments.constant(0, "size", in: 1...65_536)
        guard size == size.rounded() else {
            throw FunctionProblem("the size of eye must be a whole number; found \(size)", 0)
        }
        return .batch(Identity(size: Int(size)), [Int(size)], inputs: [])
    }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        b.output.update(repeating: 0, count: size * size)
        for row in 0..<size { b.output[row * size + row] = 1 }
    }

    /// A constant: nothing upstream.
    public func backward(_ b: FunctionBuffers) {}
}
