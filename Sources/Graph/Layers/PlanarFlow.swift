#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// `planar`: one planar normalizing flow (Rezende & Mohamed, 2015), f(z) = z + u·tanh(wᵀz + b), on
/// rows that carry their running log-determinant in the last value: the layer maps [z, log det] to
/// [f(z), log det + log(|1 + uᵀψ(z)| + 10⁻⁴)], ψ = tanh′(wᵀz + b)·w. Start the column with
/// `concat(z, 0)` and name the parts (`outputs: {z: 16, logdet: 1}`). w, u and b start from N(0, 1),
/// as pythae's planar flow does.
public struct PlanarFlow: Layer {
    static let floor: Float = 1e-4

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        guard input.count == 1, input[0] >= 2 else {
            return .failure(
                ShapeMismatch(
                    "planar takes flat rows of a code and its running log-determinant, as concat(z, 0) makes; found \(input.shapeText)"
                ))
        }
        return .success(input)
    }

    public func parameters(for input: SampleShape) -> [ParameterShape] {
        let d = input.elementCount - 1
        return [
            ParameterShape(name: "w", shape: [d], initialDraw: .normal(std: 1)),
            ParameterShape(name: "u", shape: [d], initialDraw: .normal(std: 1)),
            ParameterShape(name: "b", shape: [1], initialDraw: .normal(std: 1)),
        ]
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int { 6 * input.elementCount }

    /// tanh(wᵀz + b) of each row, kept for backward.
    public func scratch(input: SampleShape, output: SampleShape, batch: Int) -> ScratchSize {
        ScratchSize(floats: batch)
    }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        TorchModule("PlanarFlow(\(input.elementCount - 1))")
    }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        let n = b.inputShape.elementCount, d = n - 1
        let (w, u, bias) = (b.parameters[0], b.parameters[1], b.parameters[2][0])
        var wu: Float = 0
        for j in 0..<d { wu += w[j] * u[j] }
        for row in 0..<b.batch {
            let z = b.input + row * n, out = b.output + row * n
            var a = bias
            for j in 0..<d { a += w[j] * z[j] }
            let t = tanhf(a)
            b.scratch[row] = t
            for j in 0..<d { out[j] = z[j] + u[j] * t }
            out[d] = z[d] + logf(abs(1 + (1 - t * t) * wu) + Self.floor)
        }
    }

    public func backward(_ b: LayerBuffers) {
        let n = b.inputShape.elementCount, d = n - 1
        let (w, u) = (b.parameters[0], b.parameters[1])
        var wu: Float = 0
        for j in 0..<d { wu += w[j] * u[j] }
        if let gradients = b.gradients, !b.accumulateParameters {
            for tensor in 0..<3 { gradients[tensor].update(repeating: 0, count: tensor == 2 ? 1 : d) }
        }
        for row in 0..<b.batch {
            let z = b.input + row * n, dOut = b.dOutput + row * n
            let t = b.scratch[row], slope = 1 - t * t
            let s = 1 + slope * wu
            // ∂ log(|s| + floor)/∂s, times the log-determinant's upstream.
            let dS = dOut[d] * (s < 0 ? -1 : 1) / (abs(s) + Self.floor)
            var dOutU: Float = 0
            for j in 0..<d { dOutU += dOut[j] * u[j] }
            // The gradient reaching a = wᵀz + b: through u·tanh(a) and through tanh′(a) in s.
            let dA = dOutU * slope + dS * (-2 * t * slope) * wu
            if let gradients = b.gradients {
                let (dW, dU, dB) = (gradients[0], gradients[1], gradients[2])
                for j in 0..<d {
                    dW[j] += dA * z[j] + dS * slope * u[j]
                    dU[j] += dOut[j] * t + dS * slope * w[j]
                }
                dB[0] += dA
            }
            guard let dInput = b.dInput else { continue }
            for j in 0..<n {
                let value = j < d ? dOut[j] + dA * w[j] : dOut[d]
                dInput[row * n + j] = b.accumulateInput ? dInput[row * n + j] + value : value
            }
        }
    }
}
