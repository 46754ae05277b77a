import Kernels

/// Group normalization (PyTorch's `nn.GroupNorm`): each sample's channels (the last axis) fall into
/// `groups` groups of consecutive channels, and each group is normalized by its own mean and biased
/// variance over all of the sample's pixels, then scaled and shifted per channel. No batch
/// statistics: the same in training and evaluation.
public struct GroupNorm: Layer {
    public let groups: Int
    public let epsilon: Double

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        let channels = input.last ?? 0
        guard channels % groups == 0 else {
            return .failure(
                ShapeMismatch("group_norm needs channels divisible by its \(groups) groups; found \(channels) channels")
            )
        }
        return .success(input)
    }

    public func parameters(for input: SampleShape) -> [ParameterShape] {
        let channels = input.last ?? 0
        return [
            ParameterShape(name: "gamma", shape: [channels], constant: 1, torchName: "weight"),
            ParameterShape(name: "beta", shape: [channels], constant: 0, torchName: "bias"),
        ]
    }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        TorchModule("nn.GroupNorm(\(groups), \(input.last ?? 0), eps=\(TorchModule.number(epsilon)))")
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int { saturatingProduct([input.elementCount, 5]) }

    /// Each sample's group means and inverse standard deviations, saved for backward.
    public func scratch(input: SampleShape, output: SampleShape, batch: Int) -> ScratchSize {
        ScratchSize(floats: 2 * batch * groups)
    }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        GroupNormalization(b, groups: groups, perElementAffine: false).forward(epsilon: epsilon)
    }

    public func backward(_ b: LayerBuffers) {
        GroupNormalization(b, groups: groups, perElementAffine: false).backward()
    }
}

/// The arithmetic `group_norm` and `layer_norm` share: a sample of `pixels` × `channels` values whose
/// channels fall into `groups` groups, each normalized by its own statistics, then scaled and
/// shifted per channel (`perElementAffine` false) or per value (true: layer norm's affine over C, H, W).
struct GroupNormalization {
    let b: LayerBuffers
    let groups: Int
    let perElementAffine: Bool
    let channels: Int
    let pixels: Int

    init(_ b: LayerBuffers, groups: Int, perElementAffine: Bool) {
        self.b = b
        self.groups = groups
        self.perElementAffine = perElementAffine
        channels = b.inputShape.last ?? 1
        pixels = b.inputShape.elementCount / max(channels, 1)
    }

    var groupWidth: Int { channels / groups }
    /// Values each group's statistics run over.
    var count: Int { pixels * groupWidth }
    /// Where sample `n`'s group `g` keeps its mean; its inverse standard deviation follows the means.
    func statistic(_ n: Int, _ g: Int) -> Int { n * groups + g }

    func forward(epsilon: Double) {
        let (gamma, beta) = (b.parameters[0], b.parameters[1])
        let sample = pixels * channels, width = groupWidth
        let inverses = b.scratch + b.batch * groups
        for n in 0..<b.batch {
            for g in 0..<groups {
                let first = n * sample + g * width
                var sum = 0.0, squares = 0.0
                for p in 0..<pixels {
                    let row = b.input + first + p * channels
                    for c in 0..<width {
                        let x = Double(row[c])
                        sum += x
                        squares += x * x
                    }
                }
                let mean = sum / Double(count)
                let variance = max(squares / Double(count) - mean * mean, 0)
                let inverse = Float(1 / (variance + epsilon).squareRoot())
                b.scratch[statistic(n, g)] = Float(mean)
                inverses[statistic(n, g)] = inverse
                for p in 0..<pixels {
                    let (row, out) = (b.input + first + p * channels, b.output + first + p * channels)
                    let affine = (perElementAffine ? p * channels : 0) + g * width
                    let (scale, shift) = (gamma + affine, beta + affine)
                    for c in 0..<width { out[c] = (row[c] - Float(mean)) * inverse * scale[c] + shift[c] }
                }
            }
        }
    }

    /// With x̂ the normalized input and ĝ = γ·dy: dx = σ⁻¹ (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) over the group;
    /// dγ = Σ dy·x̂ and dβ = Σ dy over the batch (and the pixels, for per-channel affines).
    func backward() {
        let gamma = b.parameters[0]
        let sample = pixels * channels, width = groupWidth
        let inverses = b.scratch + b.batch * groups
        if let gradients = b.gradients, !b.accumulateParameters {
            let size = perElementAffine ? sample : channels
            gradients[0].update(repeating: 0, count: size)
            gradients[1].update(repeating: 0, count: size)
        }
        for n in 0..<b.batch {
            for g in 0..<groups {
                let first = n * sample + g * width
                let (mean, inverse) = (b.scratch[statistic(n, g)], inverses[statistic(n, g)])
                var sum = 0.0, weighted = 0.0
                for p in 0..<pixels {
                    let (row, dy) = (b.input + first + p * channels, b.dOutput + first + p * channels)
                    let scale = gamma + (perElementAffine ? p * channels : 0) + g * width
                    for c in 0..<width {
                        let gradient = Double(dy[c] * scale[c])
                        sum += gradient
                        weighted += gradient * Double((row[c] - mean) * inverse)
                    }
                }
                let (meanGradient, meanWeighted) = (Float(sum / Double(count)), Float(weighted / Double(count)))
                for p in 0..<pixels {
                    let (row, dy) = (b.input + first + p * channels, b.dOutput + first + p * channels)
                    let affine = (perElementAffine ? p * channels : 0) + g * width
                    if let gradients = b.gradients {
                        let (dGamma, dBeta) = (gradients[0] + affine, gradients[1] + affine)
                        for c in 0..<width {
                            dGamma[c] += dy[c] * (row[c] - mean) * inverse
                            dBeta[c] += dy[c]
                        }
                    }
                    guard let dInput = b.dInput else { continue }
                    let (dx, scale) = (dInput + first + p * channels, gamma + affine)
                    for c in 0..<width {
                        let normalized = (row[c] - mean) * inverse
                        let value = inverse * (dy[c] * scale[c] - meanGradient - normalized * meanWeighted)
                        dx[c] = b.accumulateInput ? dx[c] + value : value
                    }
                }
            }
        }
    }
}
