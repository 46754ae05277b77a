/// How a convolution pads its input.
public enum Padding: Sendable, Equatable, CustomStringConvertible {
    /// Output size = ceil(input / stride) (for a transposed convolution: input × stride).
    case same
    /// No padding.
    case valid
    /// This many zeros on every side.
    case explicit(Int)

    public var description: String {
        switch self {
        case .same: return "same"
        case .valid: return "valid"
        case .explicit(let n): return "\(n)"
        }
    }
}

/// The settings of a `conv2d` or `conv2d_transpose` layer. Kernels and strides are square.
public struct ConvolutionSpec: Sendable, Equatable {
    public var filters: Int
    public var kernel: Int
    public var stride: Int
    public var padding: Padding
    /// Extra rows and columns added to one side of a transposed convolution's output.
    public var outputPadding: Int
    public var bias: Bool
}

/// One layer of a network as the spec declares it.
public struct LayerSpec: Sendable, Equatable {
    /// The layer kinds runexp knows; one case each in the graph's registry.
    public enum Kind: Sendable, Equatable {
        case dense(units: Int, bias: Bool)
        case conv2d(ConvolutionSpec)
        case conv2dTranspose(ConvolutionSpec)
        case relu
        case leakyReLU(slope: Double)
        case sigmoid
        case tanh
        case flatten
        case reshape([Int])
        case dropout(rate: Double)
        case batchNorm(momentum: Double, epsilon: Double)
        /// A codebook of `codes` vectors of `dim` values (nil: the input's width); each piece of
        /// that width of an input row is replaced by its nearest code (VQ-VAE).
        case vectorQuantize(codes: Int, dim: Int?)
        /// A planar normalizing flow on [code, running log-determinant] rows.
        case planar
        /// Each value clamped to [min, max].
        case hardtanh(min: Double, max: Double)
        /// One inverse autoregressive flow step (a MADE of these hidden widths) on [code, running
        /// log-determinant] rows.
        case iaf(hidden: [Int])
        /// Each image pixel repeated (`nearest`) or interpolated (`bilinear`) `factor` times along
        /// height and width.
        case upsample(factor: Int, bilinear: Bool)
        /// The largest (`average` false) or mean value of each `kernel`×`kernel` window, `stride` apart.
        case pool(kernel: Int, stride: Int, average: Bool)
        /// Each sample's channels normalized in `groups` groups, scaled and shifted per channel.
        case groupNorm(groups: Int, epsilon: Double)
        /// Each sample normalized over all its values, scaled and shifted per value.
        case layerNorm(epsilon: Double)
        /// These layers' output plus their input (a ResNet block): the output shape must be the input's.
        case residual([LayerSpec])
    }

    public var kind: Kind
    /// Where the layer was written.
    public var origin: Origin

    /// Every layer name a spec may use.
    public static let names = [
        "dense", "conv2d", "conv2d_transpose", "relu", "leaky_relu", "sigmoid", "tanh", "flatten", "reshape",
        "dropout", "batch_norm", "vector_quantize", "planar", "hardtanh", "iaf",
        "upsample", "max_pool", "avg_pool", "group_norm", "layer_norm", "residual",
    ]

    /// A short, readable form for tables: `dense 1000`, `conv2d 32 k3 s2 same`.
    public var summary: String {
        switch kind {
        case .dense(let units, let bias): return "dense \(units)" + (bias ? "" : " no-bias")
        case .conv2d(let c): return "conv2d \(c.filters) k\(c.kernel) s\(c.stride) \(c.padding)"
        case .conv2dTranspose(let c):
            return "conv2d_transpose \(c.filters) k\(c.kernel) s\(c.stride) \(c.padding)"
                + (c.outputPadding > 0 ? " op\(c.outputPadding)" : "")
        case .relu: return "relu"
        case .leakyReLU(let slope): return "leaky_relu \(slope)"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .flatten: return "flatten"
        case .reshape(let shape): return "reshape \(shape.map(String.init).joined(separator: "×"))"
        case .dropout(let rate): return "dropout \(rate)"
        case .batchNorm: return "batch_norm"
        case .vectorQuantize(let codes, let dim): return "vector_quantize \(codes)" + (dim.map { " dim \($0)" } ?? "")
        case .planar: return "planar"
        case .hardtanh(let low, let high): return "hardtanh \(low)…\(high)"
        case .iaf(let hidden): return "iaf \(hidden.map(String.init).joined(separator: "×"))"
        case .upsample(let factor, let bilinear): return "upsample ×\(factor) " + (bilinear ? "bilinear" : "nearest")
        case .pool(let kernel, let stride, let average):
            return (average ? "avg_pool" : "max_pool") + " k\(kernel) s\(stride)"
        case .groupNorm(let groups, _): return "group_norm \(groups)"
        case .layerNorm: return "layer_norm"
        case .residual(let layers): return "residual[" + layers.map(\.summary).joined(separator: ", ") + "]"
        }
    }
}
