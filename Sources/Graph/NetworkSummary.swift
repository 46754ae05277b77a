import Spec

/// One layer of a network with its shapes resolved: what `check` prints and the planner allocates by.
public struct LayerSummary: Sendable {
    public var spec: LayerSpec
    public var output: SampleShape
    public var parameters: [ParameterShape]
    public var flops: Int
    /// The PyTorch module that computes the same, for checkpoints and exported models.
    public var torch: TorchModule

    /// Learnable values in this layer (running statistics are state, not parameters).
    public var parameterCount: Int {
        parameters.filter(\.trainable).reduce(0) { saturatingSum($0, $1.shape.elementCount) }
    }
}

/// A network with every layer's output shape, parameter count and cost known.
public struct NetworkSummary: Sendable {
    public var name: String
    public var input: SampleShape
    public var layers: [LayerSummary]
    /// The named parts of the output (`outputs: {mu: 20, logvar: 20}`), in order.
    public var heads: [NetworkSpec.Head] = []

    /// What the network gives where a whole output is wanted outside a loss (codes for t-SNE and
    /// the latent outputs, the input of the next network in an output's chain): its first named
    /// output when it has named outputs (a VAE encoder's `mu`), else its output.
    public var codeShape: SampleShape { heads.first.map { [$0.size] } ?? output }

    /// The shape the last layer produces.
    public var output: SampleShape { layers.last?.output ?? input }
    public var parameterCount: Int { layers.reduce(0) { saturatingSum($0, $1.parameterCount) } }
    public var flops: Int { layers.reduce(0) { saturatingSum($0, $1.flops) } }

    /// Resolves every layer of `network` for `input`, or returns the first layer that does not fit.
    public static func resolve(_ network: NetworkSpec, input: SampleShape) -> Result<NetworkSummary, Diagnostic> {
        resolve(network, input: input, from: 0)
    }

    /// The first layer of `network` that does not fit, found without knowing its input: from the
    /// first layer whose output shape does not depend on its input (`dense`, `reshape`) on. For a
    /// network whose input is unknown because what it reads has problems of its own.
    public static func problemWithoutInput(_ network: NetworkSpec) -> Diagnostic? {
        let fixed = network.layers.indices.lazy.compactMap { index in
            LayerRegistry.layer(for: network.layers[index].kind).fixedOutput.map { (index, $0) }
        }.first
        guard let (index, output) = fixed, case .failure(let problem) = resolve(network, input: output, from: index + 1)
        else { return nil }
        return problem
    }

    /// Resolves the layers of `network` from the one at `start` on, for `input` to that layer.
    private static func resolve(
        _ network: NetworkSpec, input: SampleShape, from start: Int
    ) -> Result<NetworkSummary, Diagnostic> {
        var shape = input
        var layers: [LayerSummary] = []
        for (index, spec) in network.layers.enumerated().dropFirst(start) {
            let layer = LayerRegistry.layer(for: spec.kind)
            switch layer.outputShape(for: shape) {
            case .success(let output) where max(shape.elementCount, output.elementCount) > sampleSizeLimit:
                let grown = shape.elementCount > sampleSizeLimit ? shape : output
                return .failure(
                    Diagnostic(
                        spec.origin,
                        "network '\(network.name)', layer \(index) (\(spec.summary)): a sample of "
                            + "\(grown.shapeText) holds more than \(sampleSizeLimit) values"))
            case .success(let output):
                layers.append(
                    LayerSummary(
                        spec: spec, output: output, parameters: layer.parameters(for: shape),
                        flops: layer.flops(input: shape, output: output),
                        torch: layer.torchModule(input: shape, output: output)))
                shape = output
            case .failure(let mismatch):
                return .failure(
                    Diagnostic(
                        spec.origin,
                        "network '\(network.name)', layer \(index) (\(spec.summary)): \(mismatch.message)"))
            }
        }
        return .success(NetworkSummary(name: network.name, input: input, layers: layers, heads: network.heads))
    }
}

/// A phase as the schedule runs it: which networks it changes and which it only passes gradients through.
public struct PhaseSummary: Sendable {
    public var name: String
    public var loss: String
    public var updates: [String]
    /// Networks the loss calls whose weights this phase leaves alone; gradients still flow through them.
    public var passesThrough: [String]
    public var optimizer: OptimizerSpec
    /// The loss with its meaning decided: what the planner compiles and the outputs read.
    public var resolved: ResolvedLoss
}

/// Everything `check` reports about a valid spec, and what the graph builder starts from.
public struct ModelSummary: Sendable {
    public var networks: [NetworkSummary]
    public var phases: [PhaseSummary]
    /// The shape of `x` as the networks see it.
    public var dataShape: SampleShape?
    /// What its parts are (reconstruction, objective, classifier head, critic), found once.
    public var roles: ModelRoles

    /// The summary of the network called `name`.
    public func network(named name: String) -> NetworkSummary? { networks.first { $0.name == name } }

    /// The summary of the phase called `name`.
    public func phase(named name: String) -> PhaseSummary? { phases.first { $0.name == name } }
}
