import Kernels
import Spec

/// A transposed 2-D convolution (the adjoint of `Conv2D`): upsamples NHWC images by its stride, as
/// oneDNN's convolution run backward when the process runs on oneDNN, else GEMM + col2im.
/// Weights are `[inChannels, kernel, kernel, filters]` (PyTorch's permuted (0, 2, 3, 1)).
public struct Conv2DTranspose: FusesActivation {
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
        return [ParameterShape(name: "weight", shape: [channels, k, k, settings.filters], torchAxes: [0, 3, 1, 2])]
            + (settings.bias ? [ParameterShape(name: "bias", shape: [settings.filters])] : [])
    }

    /// `nn.ConvTranspose2d` where its padding and output padding crop the same rows, else
    /// `CroppedConvTranspose2d`, which crops the full scatter to this layer's output.
    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        let k = settings.kernel, s = settings.stride, before = padBefore()
        let common = "\(input[2]), \(settings.filters), \(k), stride=\(s), bias=\(TorchModule.flag(settings.bias))"
        // PyTorch crops `padding` before and `padding - output_padding` after, output_padding < stride.
        let outputPadding = output[0] - ((input[0] - 1) * s - 2 * before + k)
        if before >= 0, outputPadding >= 0, outputPadding < s {
            return TorchModule("nn.ConvTranspose2d(\(common), padding=\(before), output_padding=\(outputPadding))")
        }
        return TorchModule("CroppedConvTranspose2d(\(common), crop=\(before), size=(\(output[0]), \(output[1])))")
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int {
        let k = settings.kernel, channels = input.last ?? 0
        let positions = input.count == 3 ? input[0] * input[1] : 0
        let bias = settings.bias && output.count == 3 ? output[0] * output[1] * settings.filters : 0
        return saturatingSum(saturatingProduct([positions, channels, 2 * k * k, settings.filters]), bias)
    }

    /// Rows and columns the output crops from the full scatter, before the first row and column.
    func padBefore() -> Int {
        switch settings.padding {
        case .same: return max(settings.kernel - settings.stride, 0) / 2
        case .valid: return 0
        case .explicit(let pad): return pad
        }
    }

    /// The output is the "image" and the input the grid of kernel placements.
    func geometry(_ b: LayerBuffers) -> ConvGeometry {
        let k = settings.kernel, s = settings.stride
        return ConvGeometry(
            batch: b.batch, height: b.outputShape[0], width: b.outputShape[1], channels: settings.filters,
            kernelH: k, kernelW: k, strideH: s, strideW: s, padTop: padBefore(), padLeft: padBefore(),
            outputHeight: b.inputShape[0], outputWidth: b.inputShape[1])
    }

    /// One column matrix: the scattered products in forward, the gathered output gradient in backward
    /// (oneDNN: room for an input gradient to add to another consumer's).
    public func scratch(input: SampleShape, output: SampleShape, batch: Int) -> ScratchSize {
        ScratchSize(
            floats: max(
                batch * input[0] * input[1] * settings.kernel * settings.kernel * settings.filters,
                batch * input.elementCount))
    }

    /// Forward is the convolution's image gradient, so the gradients' primitives are made even for
    /// a forward-only plan.
    public func directConvolution(for b: LayerBuffers, backward: Bool) -> DirectConvolution? {
        DirectConvolution(
            geometry: geometry(b), gridChannels: b.inputShape[2], weights: .gridChannelsFirst, backward: true)
    }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        if let convolution = b.convolution {
            convolution.imageGradient(
                image: b.output, grid: b.input, weights: b.parameters[0], batch: b.batch, elapsed: b.gemmClock)
        } else {
            let g = geometry(b)
            gemm(
                c: b.scratch, a: b.input, b: b.parameters[0], m: g.columnRows, n: g.columnWidth, k: b.inputShape[2],
                accumulate: false, context: b.context, elapsed: b.gemmClock)
            col2im(
                image: b.output, columns: b.scratch, geometry: g, accumulate: false, context: b.context,
                elapsed: b.convolutionClock)
        }
        b.finishOutput(
            bias: settings.bias ? b.parameters[1] : nil, rows: b.batch * b.outputShape[0] * b.outputShape[1],
            columns: settings.filters)
    }

    public func backward(_ b: LayerBuffers) {
        b.gradientBeforeEpilogue(
            dBias: settings.bias ? b.gradients?[1] : nil, rows: b.batch * b.outputShape[0] * b.outputShape[1],
            columns: settings.filters)
        if let convolution = b.convolution {
            if let gradients = b.gradients {
                convolution.weightGradient(
                    weights: gradients[0], image: b.dOutput, grid: b.input, batch: b.batch,
                    accumulate: b.accumulateParameters, elapsed: b.gemmClock)
            }
            if let dInput = b.dInput {
                convolution.convolve(
                    grid: dInput, image: b.dOutput, weights: b.parameters[0], batch: b.batch,
                    accumulate: b.accumulateInput, scratch: b.scratch, elapsed: b.gemmClock)
            }
        } else {
            backwardThroughColumns(b, geometry: geometry(b))
        }
    }

    private func backwardThroughColumns(_ b: LayerBuffers, geometry g: ConvGeometry) {
        let inChannels = b.inputShape[2]
        im2col(columns: b.scratch, image: b.dOutput, geometry: g, context: b.context, elapsed: b.convolutionClock)
        if let gradients = b.gradients {
            gemm(
                c: gradients[0], a: b.input, b: b.scratch, m: inChannels, n: g.columnWidth, k: g.columnRows,
                transposeA: true, accumulate: b.accumulateParameters, context: b.context, elapsed: b.gemmClock)
        }
        if let dInput = b.dInput {
            gemm(
                c: dInput, a: b.scratch, b: b.parameters[0], m: g.columnRows, n: inChannels, k: g.columnWidth,
                transposeB: true, accumulate: b.accumulateInput, context: b.context, elapsed: b.gemmClock)
        }
    }
}
