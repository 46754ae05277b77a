import Spec

/// Resolves a spec's losses (`ResolvedLoss`, see LossResolution.swift), inferring every network's
/// input shape from the losses that call it and checking that all shapes fit.
///
/// A network's input is its declared `input`, or else the shape of the first batch a loss applies it
/// to, in phase order. Every later application must agree; a loss compares batches of equal shape.
public struct ShapeInference {
    let context: LossContext
    let outputs: [OutputSpec]
    let log = DiagnosticLog()
    var summaries: [String: NetworkSummary] = [:]
    /// Networks that did not decode or whose layers do not fit (reported): nothing is inferred
    /// from them, so that one problem causes no others.
    var failed: Set<String> = []
    var dataShape: SampleShape?
    /// Whether the data has class labels (nil: not known without reading it), and how many classes.
    var labeled: Bool?
    var classes: Int?
    /// What each network whose input was inferred was first applied to, for messages.
    var firstArguments: [String: String] = [:]

    /// Resolves the shapes of `spec`, or reports every mismatch.
    /// - Parameter dataShape: the shape of one sample of `x` when the data had to be read to know it.
    /// - Parameter labels: whether the data read has labels, and how many classes (max label + 1).
    public static func run(
        _ spec: ExperimentSpec, dataShape: SampleShape? = nil, labels: (labeled: Bool, classes: Int?)? = nil
    ) -> Result<ModelSummary, SpecProblems> {
        var inference = ShapeInference(context: spec.losses)
        if let dataShape { inference.dataShape = dataShape }
        if let labels { (inference.labeled, inference.classes) = (labels.labeled, labels.classes) }
        return inference.resolve()
    }

    init(context: LossContext) {
        self.context = context
        outputs = context.outputs
        failed = context.undecoded
        dataShape = context.data?.sampleShape
        if context.data?.source.readsFile == false { (labeled, classes) = (true, 10) }  // the embedded digit sets
    }

    /// The problems of what decoded in a spec that has problems elsewhere (`losses` holds what
    /// decoded): its losses' rules, and the shapes of its networks that decoded, so that `check`
    /// reports them beside the others. The data is not read: a file's shape is unknown here.
    public static func problemsOfWhatDecoded(_ losses: LossContext) -> [Diagnostic] {
        // Unlike `run`, nothing is said of what cannot be known because something else failed.
        var inference = ShapeInference(context: losses)
        _ = inference.inferShapes()
        return inference.log.sorted
    }

    /// Every network's shapes and every phase's loss, as far as they can be known; nil for a phase
    /// whose loss broke a rule (reported) or read x of unknown shape.
    private mutating func inferShapes() -> [ResolvedLoss?] {
        for network in context.networks where !failed.contains(network.name) {
            if let input = network.input { summarize(network, input: input) }
        }
        if dataShape == nil { dataShape = inputOfFirstNetworkAppliedToX() }
        let resolved = context.phases.map { resolve($0) }
        checkOutputs(resolved.compactMap { $0 })
        // A network whose input is unknown because what it reads failed still has layers to check.
        for network in context.networks where !failed.contains(network.name) && summaries[network.name] == nil {
            if let problem = NetworkSummary.problemWithoutInput(network) { log.error(problem.origin, problem.message) }
        }
        return resolved
    }

    private mutating func resolve() -> Result<ModelSummary, SpecProblems> {
        let resolved = inferShapes()
        // Only when nothing else failed: otherwise the first mismatch is the reason, not this.
        for network in context.networks where log.isEmpty && summaries[network.name] == nil {
            log.error(
                network.origin,
                "cannot infer the input shape of network '\(network.name)': no loss applies it to a batch of known shape; give it `input: [...]`"
            )
        }
        guard log.isEmpty else { return .failure(SpecProblems(log.sorted)) }
        let networks = context.networks.compactMap { summaries[$0.name] }
        var phases: [PhaseSummary] = []
        for (phase, loss) in zip(context.phases, resolved) {
            guard let loss else {
                // A loss that reads x of unknown shape stops without a word of its own.
                return .failure(
                    SpecProblems([Diagnostic(phase.loss.origin, "the shape of x is unknown; give data.shape")]))
            }
            let updates = phase.update.map(\.name)
            phases.append(
                PhaseSummary(
                    name: phase.name, loss: phase.lossText, updates: updates,
                    passesThrough: loss.networks.filter { !updates.contains($0) }, optimizer: phase.optimizer,
                    resolved: loss))
        }
        let roles = ModelRoles(phases: phases, hasPrior: context.prior != nil)
        return .success(ModelSummary(networks: networks, phases: phases, dataShape: dataShape, roles: roles))
    }

    private mutating func summarize(_ network: NetworkSpec, input: SampleShape) {
        switch NetworkSummary.resolve(network, input: input) {
        case .success(let summary): summaries[network.name] = summary
        case .failure(let diagnostic):
            failed.insert(network.name)
            log.error(diagnostic.origin, diagnostic.message)
        }
    }

    /// The output shape of `network` applied to a batch of `input`'s shape, or nil (reported) when
    /// it does not take that shape.
    mutating func applyShape(
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

    /// The outputs run networks after training: an encoder reads images (x), a decoder its codes
    /// (and the prior's samples) and makes images.
    private func checkOutputs(_ losses: [ResolvedLoss]) {
        for output in outputs {
            switch output.kind {
            case .tsne(_, _, _, let encoder): checkReadsImages(encoder, output, losses)
            case .latent(_, _, _, let encoder, let decoder):
                checkReadsImages(encoder, output, losses)
                guard let decoding = summaries[decoder] else { continue }
                // A conditional decoder reads the code beside one-hot labels: the code is its part.
                let conditioning = losses.lazy.compactMap { $0.conditioning(of: decoder) }.first
                let codeInput = conditioning.map { [$0.codeWidth] } ?? decoding.input
                if let prior = context.prior, codeInput != [prior.dimension] {
                    log.error(
                        output.origin,
                        "latent outputs decode samples of the \(prior.dimension)-d prior, but network '\(decoder)' takes \(codeInput.shapeText)"
                    )
                }
                // Codes composed from x (the semi-supervised AAE's softmax digit beside its style)
                // are computed as the loss computes them.
                let composed = losses.lazy.compactMap { loss in loss.composedCode(of: decoder).map(loss.width) }.first
                if let codes = summaries[encoder]?.codeShape, codes.elementCount != codeInput.elementCount,
                    composed != codeInput.elementCount
                {
                    log.error(
                        output.origin,
                        "'\(encoder)' makes codes of \(codes.elementCount) values, but '\(decoder)' reads \(codeInput.elementCount)"
                    )
                }
                if let x = dataShape, decoding.output.elementCount != x.elementCount {
                    log.error(
                        output.origin,
                        "'\(decoder)' makes \(decoding.output.elementCount) values per sample, but the images are \(x.shapeText) (\(x.elementCount) values)"
                    )
                }
            case .parzen(_, _, let decoder): checkParzen(decoder, output, losses)
            case .curves, .reconstructions: continue
            }
        }
    }

    /// A Parzen estimate decodes prior samples into images: a prior, and a decoder of its samples.
    private func checkParzen(_ decoder: String, _ output: OutputSpec, _ losses: [ResolvedLoss]) {
        guard let prior = context.prior else {
            if !context.undecoded.contains("z") {  // else the prior's own problems are the reason
                log.error(output.origin, "parzen decodes samples of the prior, but the spec has no 'prior:'")
            }
            return
        }
        guard let decoding = summaries[decoder] else { return }
        if losses.contains(where: { $0.conditioning(of: decoder) != nil }) {
            log.error(output.origin, "parzen decodes prior samples alone, but '\(decoder)' also reads labels")
        } else if decoding.input != [prior.dimension] {
            log.error(
                output.origin,
                "parzen decodes samples of the \(prior.dimension)-d prior, but '\(decoder)' takes \(decoding.input.shapeText)"
            )
        } else if let x = dataShape, decoding.output.elementCount != x.elementCount {
            log.error(
                output.origin,
                "'\(decoder)' makes \(decoding.output.elementCount) values per sample, but the images are \(x.shapeText)"
            )
        }
    }

    /// An encoder reads the images, or the images beside the labels where a loss gives it
    /// `concat(x, onehot(y))` (a conditional encoder): the outputs form its input as that loss does.
    private func checkReadsImages(_ encoder: String, _ output: OutputSpec, _ losses: [ResolvedLoss]) {
        guard let reads = summaries[encoder]?.input, let x = dataShape, reads != x else { return }
        let conditioning = losses.lazy.compactMap { $0.conditioning(of: encoder) }.first
        if let conditioning, conditioning.readsImages, conditioning.codeWidth == x.elementCount {
            return
        }
        log.error(
            output.origin, "'\(encoder)' must read the images (x is \(x.shapeText)), but it takes \(reads.shapeText)")
    }
}
