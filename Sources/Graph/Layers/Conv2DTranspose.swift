import Spec

/// A transposed 2-D convolution (the adjoint of `Conv2D`): upsamples NHWC images by its stride.
public struct Conv2DTranspose: Layer {
    public let settings: ConvolutionSpec

    /// The output size of one spatial dimension, PyTorch's rule for numeric padding; `same` gives
    /// input × stride, `valid` no cropping.
    public static func outputSize(_ size: Int, _ c: ConvolutionSpec) -> Int {
        switch c.padding {
        case .same: return size * c.stride + c.outputPadding
        case .valid: return (size - 1) * c.stride + c.kernel + c.outputPadding
        case .explicit(let pad): return (size - 1) * c.stride - 2 * pad + c.kernel + c.outputPadding
        }
    }

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        if let problem = requireImage(input, "conv2d_transpose") { return .failure(problem) }
        if settings.padding == .same, settings.kernel < settings.stride {
            return .failure(
                ShapeMismatch(
                    "padding same needs a kernel at least as large as the stride (\(settings.kernel) < \(settings.stride))"
                ))
        }
        let h = Conv2DTranspose.outputSize(input[0], settings), w = Conv2DTranspose.outputSize(input[1], settings)
        guard h > 0, w > 0 else {
            return .failure(
                ShapeMismatch("padding \(settings.padding) crops the \(input[0])×\(input[1]) input to nothing"))
        }
        return .success([h, w, settings.filters])
    }

    public func parameters(for input: SampleShape) -> [ParameterShape] {
        let k = settings.kernel, channels = input.last ?? 0
        return [ParameterShape(name: "weight", shape: [k, k, settings.filters, channels])]
            + (settings.bias ? [ParameterShape(name: "bias", shape: [settings.filters])] : [])
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int {
        let k = settings.kernel, channels = input.last ?? 0
        let positions = input.count == 3 ? input[0] * input[1] : 0
        let bias = settings.bias && output.count == 3 ? output[0] * output[1] * settings.filters : 0
        return saturatingSum(saturatingProduct([positions, channels, 2 * k * k, settings.filters]), bias)
    }
}
