import Kernels

/// Enlarges an image `factor` times along height and width (PyTorch's `nn.Upsample`): `nearest`
/// repeats each pixel; `bilinear` interpolates between the four nearest input pixels, reading pixel
/// centres as PyTorch does with `align_corners=False` (an output pixel's centre maps to input position
/// (o + ½) / factor − ½, clamped at the first pixel).
public struct Upsample: Layer {
    public let factor: Int
    public let bilinear: Bool

    public var outputIsReusable: Bool { true }

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        if let mismatch = requireImage(input, "upsample") { return .failure(mismatch) }
        return .success([input[0] * factor, input[1] * factor, input[2]])
    }

    public func parameters(for input: SampleShape) -> [ParameterShape] { [] }

    public func flops(input: SampleShape, output: SampleShape) -> Int {
        saturatingProduct([output.elementCount, bilinear ? 7 : 0])
    }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        TorchModule(
            bilinear
                ? "nn.Upsample(scale_factor=\(factor), mode='bilinear', align_corners=False)"
                : "nn.Upsample(scale_factor=\(factor), mode='nearest')")
    }

    /// The two input rows (or columns) output position `o` reads and the weight of the second.
    @inline(__always)
    func source(_ o: Int, size: Int) -> (first: Int, second: Int, weight: Float) {
        let position = max((Float(o) + 0.5) / Float(factor) - 0.5, 0)
        let first = min(Int(position), size - 1)
        return (first, min(first + 1, size - 1), position - Float(first))
    }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        let (height, width, channels) = (b.inputShape[0], b.inputShape[1], b.inputShape[2])
        let (outHeight, outWidth) = (height * factor, width * factor)
        for n in 0..<b.batch {
            let input = b.input + n * height * width * channels
            let output = b.output + n * outHeight * outWidth * channels
            for oy in 0..<outHeight {
                let y =
                    bilinear ? source(oy, size: height) : (first: oy / factor, second: oy / factor, weight: Float(0))
                for ox in 0..<outWidth {
                    let out = output + (oy * outWidth + ox) * channels
                    guard bilinear else {
                        out.update(from: input + (y.first * width + ox / factor) * channels, count: channels)
                        continue
                    }
                    let x = source(ox, size: width)
                    let p00 = input + (y.first * width + x.first) * channels
                    let p01 = input + (y.first * width + x.second) * channels
                    let p10 = input + (y.second * width + x.first) * channels
                    let p11 = input + (y.second * width + x.second) * channels
                    let (w00, w01) = ((1 - y.weight) * (1 - x.weight), (1 - y.weight) * x.weight)
                    let (w10, w11) = (y.weight * (1 - x.weight), y.weight * x.weight)
                    for c in 0..<channels { out[c] = w00 * p00[c] + w01 * p01[c] + w10 * p10[c] + w11 * p11[c] }
                }
            }
        }
    }

    /// Each input pixel receives the gradients of the output pixels it was copied or blended into.
    public func backward(_ b: LayerBuffers) {
        guard let dInput = b.dInput else { return }
        let (height, width, channels) = (b.inputShape[0], b.inputShape[1], b.inputShape[2])
        let (outHeight, outWidth) = (height * factor, width * factor)
        if !b.accumulateInput { dInput.update(repeating: 0, count: b.batch * height * width * channels) }
        for n in 0..<b.batch {
            let dIn = dInput + n * height * width * channels
            let dOut = b.dOutput + n * outHeight * outWidth * channels
            for oy in 0..<outHeight {
                let y =
                    bilinear ? source(oy, size: height) : (first: oy / factor, second: oy / factor, weight: Float(0))
                for ox in 0..<outWidth {
                    let g = dOut + (oy * outWidth + ox) * channels
                    guard bilinear else {
                        let d = dIn + (y.first * width + ox / factor) * channels
                        for c in 0..<channels { d[c] += g[c] }
                        continue
                    }
                    let x = source(ox, size: width)
                    let d00 = dIn + (y.first * width + x.first) * channels
                    let d01 = dIn + (y.first * width + x.second) * channels
                    let d10 = dIn + (y.second * width + x.first) * channels
                    let d11 = dIn + (y.second * width + x.second) * channels
                    let (w00, w01) = ((1 - y.weight) * (1 - x.weight), (1 - y.weight) * x.weight)
                    let (w10, w11) = (y.weight * (1 - x.weight), y.weight * x.weight)
                    // Separate passes: at the image's edges two of the four pixels are the same one.
                    for c in 0..<channels { d00[c] += w00 * g[c] }
                    for c in 0..<channels { d01[c] += w01 * g[c] }
                    for c in 0..<channels { d10[c] += w10 * g[c] }
                    for c in 0..<channels { d11[c] += w11 * g[c] }
                }
            }
        }
    }
}
