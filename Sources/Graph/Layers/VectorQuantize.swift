import Kernels

/// `vector_quantize: 512`: a learned codebook of 512 vectors; each input row, or each piece of `dim`
/// values of it, is replaced by its nearest code (van den Oord et al., 2017, VQ-VAE). The output is
/// the quantized row followed by two copies of the mean squared distance between row and codes:
/// name them (`outputs: {code: 16, codebook: 1, commitment: 1}`) and put them in the loss.
///
/// Backward routes each part its own way: the code's gradient passes straight through to the input
/// (the straight-through estimator), the `codebook` distance moves only the chosen codes towards the
/// row (the row held still), and the `commitment` distance moves only the row towards its codes.
public struct VectorQuantize: Layer {
    public let codes: Int
    /// Values per code; nil: the whole row is one code.
    public let dim: Int?

    public init(codes: Int, dim: Int? = nil) {
        self.codes = codes
        self.dim = dim
    }

    func codeWidth(_ input: SampleShape) -> Int { dim ?? input.elementCount }

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        guard input.count == 1 else {
            return .failure(ShapeMismatch("vector_quantize takes flat features; found \(input.shapeText)"))
        }
        guard input[0] % codeWidth(input) == 0 else {
            return .failure(
                ShapeMismatch("vector_quantize's dim \(codeWidth(input)) must divide the \(input[0]) input features"))
        }
        return .success([input[0] + 2])
    }

    public func parameters(for input: SampleShape) -> [ParameterShape] {
        [
            ParameterShape(
                name: "codebook", shape: [codes, codeWidth(input)], initialDraw: .uniform(bound: 1 / Float(codes)),
                torchName: "weight")
        ]
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int { 3 * codes * input.elementCount }

    /// The index of each piece's code, kept for backward.
    public func scratch(input: SampleShape, output: SampleShape, batch: Int) -> ScratchSize {
        ScratchSize(floats: batch * input.elementCount / codeWidth(input))
    }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        TorchModule("VectorQuantize(\(codes), \(codeWidth(input)))")
    }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        let width = b.inputShape.elementCount, piece = codeWidth(b.inputShape), codebook = b.parameters[0]
        let pieces = width / piece
        for row in 0..<b.batch {
            let out = b.output + row * (width + 2)
            var total: Float = 0
            for p in 0..<pieces {
                let z = b.input + row * width + p * piece
                var best = 0, bestDistance = Float.infinity
                for code in 0..<codes {
                    let e = codebook + code * piece
                    var distance: Float = 0
                    for j in 0..<piece { distance += (z[j] - e[j]) * (z[j] - e[j]) }
                    if distance < bestDistance { (best, bestDistance) = (code, distance) }
                }
                b.scratch[row * pieces + p] = Float(best)
                (out + p * piece).update(from: codebook + best * piece, count: piece)
                total += bestDistance
            }
            out[width] = total / Float(width)
            out[width + 1] = total / Float(width)
        }
    }

    public func backward(_ b: LayerBuffers) {
        let width = b.inputShape.elementCount, piece = codeWidth(b.inputShape), codebook = b.parameters[0]
        let pieces = width / piece
        // Only the chosen codes receive gradient; the first application in backward order clears.
        if let gradients = b.gradients, !b.accumulateParameters {
            gradients[0].update(repeating: 0, count: codes * piece)
        }
        for row in 0..<b.batch {
            let dOut = b.dOutput + row * (width + 2)
            let (toCode, toRow) = (2 * dOut[width] / Float(width), 2 * dOut[width + 1] / Float(width))
            for p in 0..<pieces {
                let z = b.input + row * width + p * piece, chosen = Int(b.scratch[row * pieces + p])
                let e = codebook + chosen * piece
                if let gradients = b.gradients {
                    let dCode = gradients[0] + chosen * piece
                    for j in 0..<piece { dCode[j] += toCode * (e[j] - z[j]) }
                }
                guard let dInput = b.dInput else { continue }
                for j in 0..<piece {
                    let at = row * width + p * piece + j
                    let value = dOut[p * piece + j] + toRow * (z[j] - e[j])
                    dInput[at] = b.accumulateInput ? dInput[at] + value : value
                }
            }
        }
    }
}
