import Spec

/// Maps each layer a spec declares to the layer type that implements it: one case per kind.
public enum LayerRegistry {
    /// The layer for `kind`.
    public static func layer(for kind: LayerSpec.Kind) -> any Layer {
        switch kind {
        case .dense(let units, let bias): return Dense(units: units, bias: bias)
        case .conv2d(let settings): return Conv2D(settings: settings)
        case .conv2dTranspose(let settings): return Conv2DTranspose(settings: settings)
        case .relu: return ReLU()
        case .leakyReLU(let slope): return LeakyReLU(slope: slope)
        case .sigmoid: return Sigmoid()
        case .tanh: return Tanh()
        case .flatten: return Flatten()
        case .reshape(let shape): return Reshape(shape: shape)
        case .dropout(let rate): return Dropout(rate: rate)
        case .batchNorm(let momentum, let epsilon): return BatchNorm(momentum: momentum, epsilon: epsilon)
        case .vectorQuantize(let codes, let dim): return VectorQuantize(codes: codes, dim: dim)
        case .planar: return PlanarFlow()
        case .hardtanh(let low, let high): return Hardtanh(minimum: low, maximum: high)
        case .iaf(let hidden): return InverseAutoregressiveFlow(hidden: hidden)
        case .upsample(let factor, let bilinear): return Upsample(factor: factor, bilinear: bilinear)
        case .pool(let kernel, let stride, let average): return Pool(kernel: kernel, stride: stride, average: average)
        case .groupNorm(let groups, let epsilon): return GroupNorm(groups: groups, epsilon: epsilon)
        case .layerNorm(let epsilon): return LayerNorm(epsilon: epsilon)
        case .residual(let layers): return Residual(layers: layers)
        }
    }
}
