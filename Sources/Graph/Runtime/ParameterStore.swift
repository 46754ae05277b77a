import Kernels
import Spec

/// One tensor a network keeps between steps, named the way checkpoints, diffs and `check` name it:
/// `encoder.layers.3.weight`.
public final class Parameter: @unchecked Sendable {
    public let name: String
    public let network: String
    public let layer: Int
    public let shape: [Int]
    public let trainable: Bool
    public let value: FloatBuffer
    /// Accumulated by every phase that updates the network; nil for running statistics.
    public let gradient: FloatBuffer?
    /// Its name in PyTorch's state dict of the same model: `encoder.layers.4.weight` for the batch
    /// norm `encoder.layers.4.gamma`.
    public let torchName: String
    /// PyTorch's axis order of its values (`ParameterShape.torchAxes`), and the shape they have there.
    public let torchAxes: [Int]
    public let torchShape: [Int]

    init(network: String, layer: Int, shape: ParameterShape, gradient: Bool = true) {
        self.name = "\(network).layers.\(layer).\(shape.name)"
        self.torchName = "\(network).layers.\(layer).\(shape.torchName)"
        self.torchAxes = shape.torchAxes
        self.torchShape = shape.torchShape
        self.network = network
        self.layer = layer
        self.shape = shape.shape
        self.trainable = shape.trainable
        value = FloatBuffer(count: shape.shape.elementCount)
        self.gradient = shape.trainable && gradient ? FloatBuffer(count: shape.shape.elementCount) : nil
    }
}

/// Every network's tensors, shared by all phases: a network applied in several phases, or twice in
/// one loss, reads and trains the same weights.
public final class ParameterStore: @unchecked Sendable {
    /// In network order, then layer order, then the layer's own order.
    public let parameters: [Parameter]
    private let byLayer: [String: [Parameter]]

    /// Allocates every tensor of `model` and initializes it from `seed`.
    ///
    /// Each tensor draws from its own stream, named `init/<parameter name>`, so adding a layer never
    /// changes another layer's starting weights.
    public convenience init(model: ModelSummary, spec: ExperimentSpec, seed: UInt64) {
        self.init(model: model, gradients: true) { tensor, shape, layer, input in
            let initializer = spec.network(named: tensor.network)?.initializer ?? .heUniform
            Self.initialize(tensor, shape, initializer, fanIn: shape.fanIn ?? Self.fanIn(layer, input), seed: seed)
        }
    }

    /// Allocates every tensor of `model` for inference, left at zero for a checkpoint to fill and
    /// without gradients: nothing is drawn that would be overwritten, nothing kept that is not read.
    public convenience init(forWeightsOf model: ModelSummary) {
        self.init(model: model, gradients: false) { _, _, _, _ in }
    }

    private init(
        model: ModelSummary, gradients: Bool,
        fill: (Parameter, ParameterShape, LayerSummary, SampleShape) -> Void
    ) {
        var parameters: [Parameter] = []
        var byLayer: [String: [Parameter]] = [:]
        for network in model.networks {
            var input = network.input
            for (index, layer) in network.layers.enumerated() {
                let tensors = layer.parameters.map {
                    Parameter(network: network.name, layer: index, shape: $0, gradient: gradients)
                }
                for (tensor, shape) in zip(tensors, layer.parameters) { fill(tensor, shape, layer, input) }
                byLayer["\(network.name)#\(index)"] = tensors
                parameters += tensors
                input = layer.output
            }
        }
        self.parameters = parameters
        self.byLayer = byLayer
    }

    /// The tensors of one layer of one network, in the layer's order.
    public func tensors(network: String, layer: Int) -> [Parameter] { byLayer["\(network)#\(layer)"] ?? [] }

    /// The tensor called `name`.
    public func parameter(named name: String) -> Parameter? { parameters.first { $0.name == name } }

    /// The trainable tensors of `networks`.
    public func trainable(in networks: [String]) -> [Parameter] {
        parameters.filter { $0.trainable && networks.contains($0.network) }
    }

    /// Inputs feeding one output unit, the scale He and Xavier initialization divide by.
    static func fanIn(_ layer: LayerSummary, _ input: SampleShape) -> Int { fanIn(layer.spec.kind, input) }

    /// Inputs feeding one output unit of a layer of `kind` on `input`.
    static func fanIn(_ kind: LayerSpec.Kind, _ input: SampleShape) -> Int {
        switch kind {
        case .conv2d(let c): return c.kernel * c.kernel * (input.last ?? 1)
        case .conv2dTranspose(let c): return c.kernel * c.kernel * (input.last ?? 1) / max(c.stride * c.stride, 1)
        default: return input.elementCount
        }
    }

    static func initialize(
        _ tensor: Parameter, _ shape: ParameterShape, _ initializer: NetworkSpec.Initializer,
        fanIn: Int, seed: UInt64
    ) {
        if let constant = shape.constant {
            tensor.value.pointer.update(repeating: constant, count: tensor.value.count)
            return
        }
        if let draw = shape.initialDraw {
            var stream = RandomStream(seed: seed, name: "init/\(tensor.name)")
            switch draw {
            case .uniform(let bound):
                stream.fillUniform(buffer: tensor.value.pointer, count: tensor.value.count, lower: -bound, upper: bound)
            case .normal(let std):
                stream.fillNormal(buffer: tensor.value.pointer, count: tensor.value.count, mean: 0, std: std)
            }
            return
        }
        // Biases start at zero, as in most published autoencoders.
        // A block's layers' weights are named by their place in it: `1.weight`.
        guard shape.name == "weight" || shape.name.hasSuffix(".weight") else { return }
        let fanOut = shape.shape.last ?? 1
        var stream = RandomStream(seed: seed, name: "init/\(tensor.name)")
        let n = Float(max(fanIn, 1)), m = Float(max(fanOut, 1))
        switch initializer {
        case .heUniform:
            let bound = (6 / n).squareRoot()
            stream.fillUniform(buffer: tensor.value.pointer, count: tensor.value.count, lower: -bound, upper: bound)
        case .heNormal:
            stream.fillNormal(
                buffer: tensor.value.pointer, count: tensor.value.count, mean: 0, std: (2 / n).squareRoot())
        case .xavierUniform:
            let bound = (6 / (n + m)).squareRoot()
            stream.fillUniform(buffer: tensor.value.pointer, count: tensor.value.count, lower: -bound, upper: bound)
        case .xavierNormal:
            stream.fillNormal(
                buffer: tensor.value.pointer, count: tensor.value.count, mean: 0,
                std: (2 / (n + m)).squareRoot())
        }
    }
}
