import Kernels

/// `vector_quantize: 512`: a learned codebook of 512 vectors the width of the input; each input row
/// is replaced by its nearest code (van den Oord et al., 2017, VQ-VAE). The output is that code
/// followed by two copies of the mean squared distance between row and code: name them
/// (`outputs: {code: 16, codebook: 1, commitment: 1}`) and put them in the loss.
///
/// Backward routes each part its own way: the code's gradient passes straight through to the input
/// (the straight-through estimator), the `codebook` distance moves only the chosen code towards the
/// row (the row held still), and the `commitment` distance moves only the row towards its code.
public struct VectorQuantize: Layer {
    public let codes: Int

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        guard input.count == 1 else {
            return .failure(ShapeMismatch("vector_quantize takes flat features; found \(input.shapeText)"))
        }
        return .success([input[0] + 2])
    }

    public func parameters(for input: SampleShape) -> [ParameterShape] {
        [
            ParameterShape(
                name: "codebook", shape: [codes, input.elementCount], initialDraw: .uniform(bound: 1 / Float(codes)),
                torchName: "weight")
        ]
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int { 3 * codes * input.elementCount }

    /// The index of each row's code, kept for backward.
    public func scratch(input: SampleShape, output: SampleShape, batch: Int) -> ScratchSize {
        ScratchSize(floats: batch)
    }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        TorchModule("VectorQuantize(\(codes), \(input.elementCount))")
    }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        let width = b.inputShape.elementCount, codebook = b.parameters[0]
        for row in 0..<b.batch {
            let z = b.input + row * width, out = b.output + row * (width + 2)
            var best = 0, bestDistance = Float.infinity
            for code in 0..<codes {
                let e = codebook + code * width
                var distance: Float = 0
                for j in 0..<width { distance += (z[j] - e[j]) * (z[j] - e[j]) }
                if distance < bestDistance { (best, bestDistance) = (code, distance) }
            }
            b.scratch[row] = Float(best)
            out.update(from: codebook + best * width, count: width)
            out[width] = bestDistance / Float(width)
            out[width + 1] = bestDistance / Float(width)
        }
    }

    public func backward(_ b: LayerBuffers) {
        let width = b.inputShape.elementCount, codebook = b.parameters[0]
        // Only the chosen codes receive gradient; the first application in backward order clears.
        if let gradients = b.gradients, !b.accumulateParameters {
            gradients[0].update(repeating: 0, count: codes * width)
        }
        for row in 0..<b.batch {
            let z = b.input + row * width, dOut = b.dOutput + row * (width + 2)
            let e = codebook + Int(b.scratch[row]) * width
            let (toCode, toRow) = (2 * dOut[width] / Float(width), 2 * dOut[width + 1] / Float(width))
            if let gradients = b.gradients {
                let dCode = gradients[0] + Int(b.scratch[row]) * width
                for j in 0..<width { dCode[j] += toCode * (e[j] - z[j]) }
            }
            guard let dInput = b.dInput else { continue }
            for j in 0..<width {
                let value = dOut[j] + toRow * (z[j] - e[j])
                dInput[row * width + j] = b.accumulateInput ? dInput[row * width + j] + value : value
            }
        }
    }
}
