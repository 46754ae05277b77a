/// The loss functions a loss expression may call: `name(prediction, target)`.
public enum LossFunction: String, Sendable, CaseIterable {
    /// Mean of squared differences over every element: the per-pixel least-squares loss.
    case mse
    /// Sum of squared differences, averaged over the batch.
    case sse
    /// Mean absolute difference.
    case l1
    /// Binary cross-entropy on probabilities in (0, 1).
    case bce
    /// Binary cross-entropy on logits, computed stably: what a discriminator without sigmoid needs.
    case bceLogits = "bce_logits"
}

/// Which training images a phase trains on.
public enum PhaseBatches: String, Sendable, Equatable {
    /// The run's batch, shared by every phase of the step.
    case all
    /// A batch of its own from the images whose label is kept (`data.labeled`), in an order of
    /// its own: the semi-supervised classification phase.
    case labeled
}

/// One step of the per-batch schedule: a loss, the networks it updates and their optimizer.
public struct PhaseSpec: Sendable, Equatable {
    public var name: String
    public var loss: LossExpression
    /// The loss as written.
    public var lossText: String
    /// The networks whose weights this phase changes, with where each was named.
    public var update: [(name: String, origin: Origin)]
    public var optimizer: OptimizerSpec
    /// How the optimizer's learning rate changes over training, and its gradient clipping.
    public var schedule = OptimizerSchedule()
    /// Updates per batch it runs on (`repeat: 5` trains a critic five times per batch, each time
    /// on fresh prior samples).
    public var repeats = 1
    /// Runs on every k-th batch only (`every: 2`: batches 2, 4, 6, … of the run).
    public var every = 1
    /// Which training images the phase's batches come from.
    public var batches = PhaseBatches.all
    /// `when:`: the update is made only on steps whose term values satisfy it (nil: always).
    public var condition: UpdateCondition?
    /// Where the phase was written.
    public var origin: Origin
    /// The named values its loss uses (`values:`), already substituted into `loss`.
    public var values: [PhaseValue] = []

    public init(
        name: String, loss: LossExpression, lossText: String, update: [(name: String, origin: Origin)],
        optimizer: OptimizerSpec, origin: Origin
    ) {
        self.name = name
        self.loss = loss
        self.lossText = lossText
        self.update = update
        self.optimizer = optimizer
        self.origin = origin
    }

    public static func == (a: PhaseSpec, b: PhaseSpec) -> Bool {
        a.name == b.name && a.loss == b.loss && a.update.map(\.name) == b.update.map(\.name)
            && a.optimizer == b.optimizer && a.schedule == b.schedule && a.repeats == b.repeats && a.every == b.every
            && a.batches == b.batches && a.condition?.text == b.condition?.text && a.origin == b.origin
            && a.values == b.values
    }
}

extension SpecDecoder {
    func decodePhases(_ node: inout YAMLNode) -> [PhaseSpec]? {
        guard var items = node.items, !items.isEmpty else {
            log.error(
                node.origin,
                "phases must be a list of phases, each with name, loss and update; found \(node.kindDescription)")
            return nil
        }
        var phases: [PhaseSpec] = []
        for index in items.indices {
            if let phase = decodePhase(&items[index], index: index) { phases.append(phase) }
        }
        node.content = .sequence(items)
        for (index, phase) in phases.enumerated() where phases[..<index].contains(where: { $0.name == phase.name }) {
            log.error(phase.origin, "a second phase is named '\(phase.name)'; phase names must differ")
        }
        return phases
    }

    private func decodePhase(_ node: inout YAMLNode, index: Int) -> PhaseSpec? {
        guard var map = MappingReader(node, "phase \(index + 1)", log: log) else { return nil }
        let name = map.required("name") { node -> String? in
            let name = scalars.string(node, "phases[\(index)].name")
            if let name { checkName(name, node.origin, "phase") }
            return name
        }
        let loss = map.required("loss") { decodeLoss($0, "phases[\(index)].loss") }
        // Absent is no values; present with problems (reported) drops the phase as a bad loss does.
        let values = map.ifPresent("values") { Optional(decodeValues($0, phase: index, loss: loss?.0)) }
        let update = map.required("update") { scalars.nameList($0, "phases[\(index)].update") }
        let optimizer = map.optional("optimizer", default: .mapping([])) { decodeOptimizer(&$0, phase: index) }
        let repeats = map.optional("repeat", default: .scalar("1")) {
            scalars.int($0, "phases[\(index)].repeat", in: 1...1000)
        }
        let every = map.optional("every", default: .scalar("1")) {
            scalars.int($0, "phases[\(index)].every", in: 1...1_000_000)
        }
        let batches = map.ifPresent("batches") { node -> PhaseBatches? in
            scalars.choice(node, "phases[\(index)].batches", ["all", "labeled"]).flatMap(PhaseBatches.init)
        }
        let condition = map.ifPresent("when") { decodeCondition(&$0, index: index) }
        map.finish()
        node = map.resolvedNode
        // A phase whose optimizer or cadence has problems stays in the list with the defaults in their
        // place: its loss still names and shapes the networks, so that their problems are reported
        // too. The errors already recorded keep the spec from being used.
        var fallback = YAMLNode(.mapping([]), origin: .defaulted)
        guard let name, let loss, let update, let optimizer = optimizer ?? decodeOptimizer(&fallback, phase: index),
            let values = values ?? []
        else { return nil }
        var phase = PhaseSpec(
            name: name, loss: loss.0.substituting(values), lossText: loss.1, update: update,
            optimizer: optimizer.0, origin: node.origin)
        phase.schedule = optimizer.1
        (phase.repeats, phase.every) = (repeats ?? 1, every ?? 1)
        phase.batches = batches ?? .all
        phase.condition = condition
        if let condition { checkCondition(condition, of: phase, index: index) }
        phase.values = values
        return phase
    }

    func decodeLoss(_ node: YAMLNode, _ what: String) -> (LossExpression, String)? {
        guard let text = scalars.string(node, what) else { return nil }
        // A quoted scalar's text starts one column after its opening quote.
        switch LossExpressionParser.parse(text, origin: node.origin.advanced(by: node.isQuoted ? 1 : 0)) {
        case .success(let expression): return (expression, text)
        case .failure(let diagnostic):
            log.error(diagnostic.origin, diagnostic.message)
            return nil
        }
    }
}
