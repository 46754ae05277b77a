import Spec

/// A 2-D convolution over NHWC images with square kernels and strides.
public struct Conv2D: Layer {
    public let settings: ConvolutionSpec

    /// The output size of one spatial dimension and the padding before it.
    public static func outputSize(_ size: Int, _ c: ConvolutionSpec) -> (size: Int, padBefore: Int) {
        switch c.padding {
        case .same:
            let out = (size + c.stride - 1) / c.stride
            let total = max((out - 1) * c.stride + c.kernel - size, 0)
            return (out, total / 2)
        case .valid:
            return ((size - c.kernel) / c.stride + 1, 0)
        case .explicit(let pad):
            return ((size + 2 * pad - c.kernel) / c.stride + 1, pad)
        }
    }

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        if let problem = requireImage(input, "conv2d") { return .failure(problem) }
        let pad: Int
        switch settings.padding {
        case .same: pad = settings.kernel
        case .valid: pad = 0
        case .explicit(let n): pad = 2 * n
        }
        guard input[0] + pad >= settings.kernel, input[1] + pad >= settings.kernel else {
            return .failure(
                ShapeMismatch(
                    "a \(settings.kernel)×\(settings.kernel) kernel does not fit the \(input[0])×\(input[1]) input with padding \(settings.padding)"
                ))
        }
        let h = Conv2D.outputSize(input[0], settings).size, w = Conv2D.outputSize(input[1], settings).size
        return .success([h, w, settings.filters])
    }

    public func parameters(for input: SampleShape) -> [ParameterShape] {
        let k = settings.kernel, channels = input.last ?? 0
        return [ParameterShape(name: "weight", shape: [k, k, channels, settings.filters])]
            + (settings.bias ? [ParameterShape(name: "bias", shape: [settings.filters])] : [])
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int {
        let k = settings.kernel, channels = input.last ?? 0
        let positions = output.count == 3 ? output[0] * output[1] : 0
        return saturatingProduct([positions, settings.filters, 2 * k * k * channels + (settings.bias ? 1 : 0)])
    }
}
