#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// `softplus(v)`: log(1 + eᵛ) element by element, a positive value from an unbounded one (pythae's
/// HVAE takes its posterior's standard deviation as softplus of the encoder's `log_var`).
public struct Softplus: BatchFunction {
    public let elementCount: Int
    public var description: String { "softplus(\(elementCount))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(1...1)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        let shape = try arguments.batch(0, "values")
        return .batch(Softplus(elementCount: shape.elementCount), shape, inputs: [0])
    }

    /// max(v, 0) + log(1 + e^−|v|): no overflow for large |v|.
    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        let v = b.inputs[0]
        for i in 0..<(b.batch * elementCount) { b.output[i] = max(v[i], 0) + log1pf(expf(-abs(v[i]))) }
    }

    /// d v = σ(v) · d out.
    public func backward(_ b: FunctionBuffers) {
        guard let gradient = b.dInputs[0] else { return }
        let v = b.inputs[0]
        for i in 0..<(b.batch * elementCount) {
            let sigmoid = v[i] >= 0 ? 1 / (1 + expf(-v[i])) : expf(v[i]) / (1 + expf(v[i]))
            write(sigmoid * b.dOutput[i], to: gradient, at: i)
        }
    }
}
