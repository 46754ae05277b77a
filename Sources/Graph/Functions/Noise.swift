import Kernels

/// `noise(x, std)`: additive Gaussian corruption for a denoising autoencoder, drawn from the phase's
/// noise stream. The gradient passes to the batch unchanged; none flows into the noise.
public struct Noise: BatchFunction {
    public let std: Float
    public var isRandom: Bool { true }
    public var description: String { "noise(std: \(std))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(2...2)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        let shape = try arguments.batch(0, "batch")
        let std = try arguments.constant(1, "standard deviation", in: 0...1e6)
        return .batch(Noise(std: Float(std)), shape, inputs: [0])
    }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        let count = b.batch * b.outputShape.elementCount
        random.fillNormal(buffer: b.output, count: count, std: std)
        for i in 0..<count { b.output[i] += b.inputs[0][i] }
    }

    public func backward(_ b: FunctionBuffers) {
        guard let dInput = b.dInputs[0] else { return }
        for i in 0..<(b.batch * b.outputShape.elementCount) { write(b.dOutput[i], to: dInput, at: i) }
    }
}
