import Kernels

/// `permute_dims(z)`: each feature of the batch shuffled across the batch independently of the
/// others (Kim & Mnih, 2018): the rows then come from the product of the codes' marginals, which
/// FactorVAE's critic tells from the joint to estimate the total correlation. The permutations are
/// drawn from the phase's noise stream; each sample's gradient goes back to the row it came from.
public struct PermuteDims: BatchFunction {
    public let shape: SampleShape
    public var isRandom: Bool { true }
    public var description: String { "permute_dims(\(shape.shapeText))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(1...1)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        let shape = try arguments.batch(0, "codes")
        return .batch(PermuteDims(shape: shape), shape, inputs: [0])
    }

    /// Each feature's permutation (the source row of each sample, as a float: exact below 2²⁴).
    public func scratch(inputs: [SampleShape], output: SampleShape, batch: Int) -> Int {
        batch * output.elementCount
    }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        let (n, width) = (b.batch, shape.elementCount)
        for feature in 0..<width {
            let rows = b.scratch + feature * n
            for sample in 0..<n { rows[sample] = Float(sample) }
            random.shuffle(buffer: rows, count: n)
            for sample in 0..<n {
                b.output[sample * width + feature] = b.inputs[0][Int(rows[sample]) * width + feature]
            }
        }
    }

    /// A permutation sends every input row to exactly one output row, so each input gradient is
    /// written once.
    public func backward(_ b: FunctionBuffers) {
        guard let dInput = b.dInputs[0] else { return }
        let (n, width) = (b.batch, shape.elementCount)
        for feature in 0..<width {
            let rows = b.scratch + feature * n
            for sample in 0..<n {
                write(b.dOutput[sample * width + feature], to: dInput, at: Int(rows[sample]) * width + feature)
            }
        }
    }
}
