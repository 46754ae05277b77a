import Spec

/// Infers every network's input shape from the losses that call it and checks that all shapes fit.
///
/// A network's input is its declared `input`, or else the shape of the first batch a loss applies it
/// to, in phase order. Every later application must agree; a loss compares batches of equal shape.
public struct ShapeInference {
    let spec: ExperimentSpec
    private let log = DiagnosticLog()
    private var summaries: [String: NetworkSummary] = [:]
    private var failed: Set<String> = []
    private var dataShape: SampleShape?
    /// What each network whose input was inferred was first applied to, for messages.
    private var firstArguments: [String: String] = [:]

    /// Resolves the shapes of `spec`, or reports every mismatch.
    /// - Parameter dataShape: the shape of one sample of `x` when the data had to be read to know it.
    public static func run(_ spec: ExperimentSpec, dataShape: SampleShape? = nil) -> Result<ModelSummary, SpecProblems>
    {
        var inference = ShapeInference(spec: spec)
        if let dataShape { inference.dataShape = dataShape }
        return inference.resolve()
    }

    init(spec: ExperimentSpec) {
        self.spec = spec
        self.dataShape = spec.data.sampleShape
    }

    private mutating func resolve() -> Result<ModelSummary, SpecProblems> {
        for network in spec.networks {
            if let input = network.input { summarize(network, input: input) }
        }
        if dataShape == nil { dataShape = inputOfFirstNetworkAppliedToX() }
        for phase in spec.phases { _ = shape(of: phase.loss) }
        checkOutputs()
        // Only when nothing else failed: otherwise the first mismatch is the reason, not this.
        for network in spec.networks where log.isEmpty && summaries[network.name] == nil {
            log.error(
                network.origin,
                "cannot infer the input shape of network '\(network.name)': no loss applies it to a batch of known shape; give it `input: [...]`"
            )
        }
        guard log.isEmpty else { return .failure(SpecProblems(log.sorted)) }
        let networks = spec.networks.compactMap { summaries[$0.name] }
        let phases = spec.phases.map { phase in
            let called = phase.loss.calls.map(\.name).filter { spec.network(named: $0) != nil }
            let updates = phase.update.map(\.name)
            var passes: [String] = []
            for name in called where !updates.contains(name) && !passes.contains(name) { passes.append(name) }
            return PhaseSummary(
                name: phase.name, loss: phase.lossText, updates: updates, passesThrough: passes,
                optimizer: phase.optimizer)
        }
        return .success(ModelSummary(networks: networks, phases: phases, dataShape: dataShape))
    }

    private mutating func summarize(_ network: NetworkSpec, input: SampleShape) {
        switch NetworkSummary.resolve(network, input: input) {
        case .success(let summary): summaries[network.name] = summary
        case .failure(let diagnostic):
            failed.insert(network.name)
            log.error(diagnostic.origin, diagnostic.message)
        }
    }

    /// When a file source's sample shape is unknown until run time, `x` takes the declared input of
    /// the first network applied to it.
    private func inputOfFirstNetworkAppliedToX() -> SampleShape? {
        for phase in spec.phases {
            if let name = firstNetworkApplied(to: "x", in: phase.loss), let input = spec.network(named: name)?.input {
                return input
            }
        }
        return nil
    }

    private func firstNetworkApplied(to variable: String, in expression: LossExpression) -> String? {
        switch expression {
        case .call(let name, let args, _):
            if args.count == 1, case .variable(variable, _) = args[0] { return name }
            return args.lazy.compactMap { firstNetworkApplied(to: variable, in: $0) }.first
        case .add(let a, let b, _), .subtract(let a, let b, _), .multiply(let a, let b, _):
            return firstNetworkApplied(to: variable, in: a) ?? firstNetworkApplied(to: variable, in: b)
        case .negate(let a, _): return firstNetworkApplied(to: variable, in: a)
        case .number, .variable: return nil
        }
    }

    /// The sample shape of a batch-valued expression; nil for numbers and for what could not be resolved.
    private mutating func shape(of expression: LossExpression) -> SampleShape? {
        switch expression {
        case .number: return nil
        case .variable("x", _): return dataShape
        case .variable("z", _): return spec.prior.map { [$0.dimension] }
        case .variable: return nil
        case .call(let name, let arguments, let origin):
            let shapes = arguments.map { shape(of: $0) }
            if let network = spec.network(named: name) {
                guard let input = shapes.first ?? nil else { return nil }
                return apply(network, to: input, describedAs: arguments[0].text, at: origin)
            }
            checkLoss(name, arguments, shapes, at: origin)
            return nil
        case .add(let a, let b, _), .subtract(let a, let b, _), .multiply(let a, let b, _):
            _ = shape(of: a)
            _ = shape(of: b)
            return nil
        case .negate(let a, _):
            _ = shape(of: a)
            return nil
        }
    }

    private mutating func apply(
        _ network: NetworkSpec, to input: SampleShape, describedAs argument: String,
        at origin: Origin
    ) -> SampleShape? {
        if failed.contains(network.name) { return nil }
        if let summary = summaries[network.name] {
            guard summary.input == input else {
                let source =
                    firstArguments[network.name].map { "was first applied to \($0) of shape" } ?? "declares input"
                log.error(
                    origin,
                    "network '\(network.name)' \(source) \(summary.input.shapeText), but here it is applied to \(argument) of shape \(input.shapeText)"
                )
                return nil
            }
            return summary.output
        }
        firstArguments[network.name] = argument
        summarize(network, input: input)
        return summaries[network.name]?.output
    }

    private func checkLoss(
        _ name: String, _ arguments: [LossExpression], _ shapes: [SampleShape?],
        at origin: Origin
    ) {
        guard shapes.count == 2, let prediction = shapes[0], let target = shapes[1], prediction != target else {
            return
        }
        log.error(
            origin,
            "\(name) compares batches of the same shape, but \(arguments[0].text) is \(prediction.shapeText) and \(arguments[1].text) is \(target.shapeText)"
        )
    }

    /// The latent outputs decode prior samples: the decoder must take the prior's dimension.
    private func checkOutputs() {
        guard let prior = spec.prior else { return }
        for output in spec.outputs {
            guard case .latent(_, _, _, _, let decoder) = output.kind, let summary = summaries[decoder] else {
                continue
            }
            if summary.input != [prior.dimension] {
                log.error(
                    output.origin,
                    "latent outputs decode samples of the \(prior.dimension)-d prior, but network '\(decoder)' takes \(summary.input.shapeText)"
                )
            }
        }
    }
}
