#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// `sample_normal(mu, logvar)`: the reparameterized draw `mu + exp(logvar / 2) · ε`, ε ~ N(0, I)
/// from the phase's noise stream, so gradients reach `mu` and `logvar` (Kingma & Welling, 2014).
public struct SampleNormal: BatchFunction {
    public let width: Int
    public var isRandom: Bool { true }
    public var description: String { "sample_normal(\(width))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        let mu = try arguments.normalParameters()
        return .batch(SampleNormal(width: mu), [mu], inputs: [0, 1])
    }

    /// ε, kept for backward.
    public func scratch(inputs: [SampleShape], output: SampleShape, batch: Int) -> Int { batch * width }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        let count = b.batch * width
        random.fillNormal(buffer: b.scratch, count: count)
        let (mu, logvar) = (b.inputs[0], b.inputs[1])
        for i in 0..<count { b.output[i] = mu[i] + expf(0.5 * logvar[i]) * b.scratch[i] }
    }

    public func backward(_ b: FunctionBuffers) {
        let count = b.batch * width
        if let dMu = b.dInputs[0] {
            for i in 0..<count { write(b.dOutput[i], to: dMu, at: i) }
        }
        if let dLogvar = b.dInputs[1] {
            let logvar = b.inputs[1]
            for i in 0..<count { write(b.dOutput[i] * b.scratch[i] * 0.5 * expf(0.5 * logvar[i]), to: dLogvar, at: i) }
        }
    }
}
