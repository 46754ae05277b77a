import Kernels
import Spec

/// A 2-D convolution over NHWC images with square kernels and strides: oneDNN's direct convolution
/// when the process runs on oneDNN, else im2col + GEMM.
/// Weights are `[kernel, kernel, inChannels, filters]` (PyTorch's weight permuted (2, 3, 1, 0)).
public struct Conv2D: FusesActivation {
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
        return [ParameterShape(name: "weight", shape: [k, k, channels, settings.filters], torchAxes: [3, 2, 0, 1])]
            + (settings.bias ? [ParameterShape(name: "bias", shape: [settings.filters])] : [])
    }

    /// `nn.Conv2d` where its symmetric padding reads the same windows, else `PaddedConv2d` with the
    /// padding `same` puts before and after (more after when the total is odd).
    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        let k = settings.kernel, s = settings.stride
        let common = "\(input[2]), \(settings.filters), \(k), stride=\(s), bias=\(TorchModule.flag(settings.bias))"
        let pads = (0..<2).map { axis in
            let before = Conv2D.outputSize(input[axis], settings).padBefore
            return (before: before, after: max((output[axis] - 1) * s + k - input[axis] - before, 0))
        }
        // PyTorch pads both sides alike and drops what no window reaches.
        let symmetric = pads.indices.allSatisfy { axis in
            pads[axis].before == pads[0].before && (input[axis] + 2 * pads[0].before - k) / s + 1 == output[axis]
        }
        if symmetric { return TorchModule("nn.Conv2d(\(common), padding=\(pads[0].before))") }
        return TorchModule(
            "PaddedConv2d(\(common), pads=(\(pads[1].before), \(pads[1].after), \(pads[0].before), \(pads[0].after)))")
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int {
        let k = settings.kernel, channels = input.last ?? 0
        let positions = output.count == 3 ? output[0] * output[1] : 0
        return saturatingProduct([positions, settings.filters, 2 * k * k * channels + (settings.bias ? 1 : 0)])
    }

    func geometry(_ b: LayerBuffers) -> ConvGeometry {
        let k = settings.kernel, s = settings.stride
        return ConvGeometry(
            batch: b.batch, height: b.inputShape[0], width: b.inputShape[1], channels: b.inputShape[2],
            kernelH: k, kernelW: k, strideH: s, strideW: s,
            padTop: Conv2D.outputSize(b.inputShape[0], settings).padBefore,
            padLeft: Conv2D.outputSize(b.inputShape[1], settings).padBefore,
            outputHeight: b.outputShape[0], outputWidth: b.outputShape[1])
    }

    /// The column matrix, kept from forward for backward, and room for its gradient (oneDNN: room
    /// for an input gradient to add to another consumer's).
    public func scratch(input: SampleShape, output: SampleShape, batch: Int) -> ScratchSize {
        ScratchSize(
            floats: max(
                2 * batch * output[0] * output[1] * settings.kernel * settings.kernel * input[2],
                batch * input.elementCount))
    }

    /// The bias and the fused activation go into the primitive's own pass.
    public func directConvolution(for b: LayerBuffers, backward: Bool) -> DirectConvolution? {
        DirectConvolution(
            geometry: geometry(b), gridChannels: settings.filters, weights: .kernelFirst, backward: backward,
            bias: settings.bias, epilogue: b.epilogue)
    }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        let g = geometry(b)
        if let convolution = b.convolution {
            convolution.convolve(
                grid: b.output, image: b.input, weights: b.parameters[0], bias: settings.bias ? b.parameters[1] : nil,
                batch: b.batch, elapsed: b.gemmClock)
            return
        }
        im2col(columns: b.scratch, image: b.input, geometry: g, context: b.context, elapsed: b.convolutionClock)
        gemm(
            c: b.output, a: b.scratch, b: b.parameters[0], m: g.columnRows, n: settings.filters, k: g.columnWidth,
            accumulate: false, context: b.context, elapsed: b.gemmClock)
        b.finishOutput(bias: settings.bias ? b.parameters[1] : nil, rows: g.columnRows, columns: settings.filters)
    }

    public func backward(_ b: LayerBuffers) {
        let g = geometry(b)
        b.gradientBeforeEpilogue(
            dBias: settings.bias ? b.gradients?[1] : nil, rows: g.columnRows, columns: settings.filters)
        if let convolution = b.convolution {
            if let gradients = b.gradients {
                convolution.weightGradient(
                    weights: gradients[0], image: b.input, grid: b.dOutput, batch: b.batch,
                    accumulate: b.accumulateParameters, elapsed: b.gemmClock)
            }
            if let dInput = b.dInput {
                convolution.imageGradient(
                    image: dInput, grid: b.dOutput, weights: b.parameters[0], batch: b.batch,
                    accumulate: b.accumulateInput, scratch: b.scratch, elapsed: b.gemmClock)
            }
            return
        }
        if let gradients = b.gradients {
            gemm(
                c: gradients[0], a: b.scratch, b: b.dOutput, m: g.columnWidth, n: settings.filters, k: g.columnRows,
                transposeA: true, accumulate: b.accumulateParameters, context: b.context, elapsed: b.gemmClock)
        }
        if let dInput = b.dInput {
            let dColumns = b.scratch + g.columnRows * g.columnWidth
            gemm(
                c: dColumns, a: b.dOutput, b: b.parameters[0], m: g.columnRows, n: g.columnWidth,
                k: settings.filters, transposeB: true, accumulate: false, context: b.context, elapsed: b.gemmClock)
            col2im(
                image: dInput, columns: dColumns, geometry: g, accumulate: b.accumulateInput, context: b.context,
                elapsed: b.convolutionClock)
        }
    }
}
