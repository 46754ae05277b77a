import Kernels

/// `mask(x, rate)`: masking corruption for a denoising autoencoder: each value is zeroed with
/// probability `rate` (not rescaled, unlike dropout), from the phase's noise stream.
public struct Mask: BatchFunction {
    public let rate: Float
    public var isRandom: Bool { true }
    public var description: String { "mask(rate: \(rate))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(2...2)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        let shape = try arguments.batch(0, "batch")
        let rate = try arguments.constant(1, "rate", in: 0...0.999)
        return .batch(Mask(rate: Float(rate)), shape, inputs: [0])
    }

    /// The kept (1) and zeroed (0) positions, for backward.
    public func scratch(inputs: [SampleShape], output: SampleShape, batch: Int) -> Int {
        batch * output.elementCount
    }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        let count = b.batch * b.outputShape.elementCount
        random.fillUniform(buffer: b.scratch, count: count)
        for i in 0..<count {
            b.scratch[i] = b.scratch[i] < rate ? 0 : 1
            b.output[i] = b.inputs[0][i] * b.scratch[i]
        }
    }

    public func backward(_ b: FunctionBuffers) {
        guard let dInput = b.dInputs[0] else { return }
        for i in 0..<(b.batch * b.outputShape.elementCount) { write(b.dOutput[i] * b.scratch[i], to: dInput, at: i) }
    }
}
