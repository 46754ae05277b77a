import Kernels

/// `max_pool` and `avg_pool`: the largest or the mean value of each `kernel`×`kernel` window of an
/// image, windows `stride` apart, channel by channel, no padding (PyTorch's `nn.MaxPool2d` and
/// `nn.AvgPool2d`: output ⌊(H − k) / s⌋ + 1). Max pooling's gradient goes to the first largest value of
/// its window in row-major order, as PyTorch's does.
public struct Pool: Layer {
    public let kernel: Int
    public let stride: Int
    public let average: Bool

    var name: String { average ? "avg_pool" : "max_pool" }

    public var outputIsReusable: Bool { true }

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        if let mismatch = requireImage(input, name) { return .failure(mismatch) }
        guard input[0] >= kernel, input[1] >= kernel else {
            return .failure(
                ShapeMismatch(
                    "\(name) needs an image at least \(kernel)×\(kernel) for its kernel; found \(input.shapeText)"))
        }
        return .success([(input[0] - kernel) / stride + 1, (input[1] - kernel) / stride + 1, input[2]])
    }

    public func parameters(for input: SampleShape) -> [ParameterShape] { [] }

    public func flops(input: SampleShape, output: SampleShape) -> Int {
        saturatingProduct([output.elementCount, kernel * kernel])
    }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        TorchModule("nn.\(average ? "AvgPool2d" : "MaxPool2d")(\(kernel), stride=\(stride))")
    }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        let (width, channels) = (b.inputShape[1], b.inputShape[2])
        let (outHeight, outWidth) = (b.outputShape[0], b.outputShape[1])
        let scale = 1 / Float(kernel * kernel)
        for n in 0..<b.batch {
            let input = b.input + n * b.inputShape.elementCount
            for oy in 0..<outHeight {
                for ox in 0..<outWidth {
                    let out = b.output + ((n * outHeight + oy) * outWidth + ox) * channels
                    let corner = input + (oy * stride * width + ox * stride) * channels
                    out.update(from: corner, count: channels)
                    for ky in 0..<kernel {
                        for kx in 0..<kernel where ky + kx > 0 {
                            let pixel = corner + (ky * width + kx) * channels
                            if average {
                                for c in 0..<channels { out[c] += pixel[c] }
                            } else {
                                // A NaN wins, as in PyTorch, so that it is not hidden.
                                for c in 0..<channels where pixel[c] > out[c] || pixel[c].isNaN { out[c] = pixel[c] }
                            }
                        }
                    }
                    if average { for c in 0..<channels { out[c] *= scale } }
                }
            }
        }
    }

    public func backward(_ b: LayerBuffers) {
        guard let dInput = b.dInput else { return }
        let (width, channels) = (b.inputShape[1], b.inputShape[2])
        let (outHeight, outWidth) = (b.outputShape[0], b.outputShape[1])
        let scale = 1 / Float(kernel * kernel)
        if !b.accumulateInput { dInput.update(repeating: 0, count: b.batch * b.inputShape.elementCount) }
        for n in 0..<b.batch {
            let input = b.input + n * b.inputShape.elementCount
            let dIn = dInput + n * b.inputShape.elementCount
            for oy in 0..<outHeight {
                for ox in 0..<outWidth {
                    let offset = ((n * outHeight + oy) * outWidth + ox) * channels
                    let (out, g) = (b.output + offset, b.dOutput + offset)
                    let corner = (oy * stride * width + ox * stride) * channels
                    for c in 0..<channels {
                        if average {
                            for ky in 0..<kernel {
                                for kx in 0..<kernel { dIn[corner + (ky * width + kx) * channels + c] += g[c] * scale }
                            }
                        } else {
                            let window = corner + c
                            dIn[window + firstMaximum(input + window, width: width, channels: channels, out[c])] += g[c]
                        }
                    }
                }
            }
        }
    }

    /// Where in its window (an offset from the window's corner `window`) the first value equal to
    /// the window's output `maximum` lies; a NaN output is found as the first NaN.
    @inline(__always)
    func firstMaximum(_ window: UnsafePointer<Float>, width: Int, channels: Int, _ maximum: Float) -> Int {
        for ky in 0..<kernel {
            for kx in 0..<kernel {
                let offset = (ky * width + kx) * channels
                if window[offset] == maximum || (maximum.isNaN && window[offset].isNaN) { return offset }
            }
        }
        return 0
    }
}
