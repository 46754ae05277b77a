/// `train.evaluate`: which splits are measured (reconstruction MSE, the loss, a classifier's
/// accuracy) after which epochs. Measuring a split is a forward pass over every image of it, so a
/// run measures only what this asks for.
public struct EvaluationSpec: Sendable, Equatable {
    /// Epochs between evaluations; the last epoch is always evaluated.
    public var every: Int
    /// The splits measured at every evaluation.
    public var splits: [Named]
    /// The splits measured once, after training, on the parameters the run keeps (the training
    /// split by default: its per-epoch figure is the epoch's running loss).
    public var final: [Named]

    /// A split named in the spec, and where: a default names splits the data may not have and
    /// goes without a word; a written one the data lacks is noted. Two are equal by name (a spec
    /// read back from its resolved form is the same spec).
    public struct Named: Sendable, Equatable {
        public var split: Split
        public var origin: Origin

        public static func == (a: Named, b: Named) -> Bool { a.split == b.split }
    }

    /// `{every: 1, splits: [validation], final: [train, test]}`: the held-out validation split
    /// draws the per-epoch curves (and is what early stopping watches); the test split, often
    /// larger than the training split itself, is measured in full once, on the parameters the run keeps.
    public static let standard = EvaluationSpec(
        every: 1, splits: [Named(split: .validation, origin: .defaulted)],
        final: [Split.train, .test].map { Named(split: $0, origin: .defaulted) })
}

/// `train.checkpoint_every`: after which epochs a run writes its checkpoint (always after the last).
public enum CheckpointInterval: Sendable, Equatable {
    /// As often as keeps the checkpoints' writing under `autoShare` of the run's time.
    case auto
    /// After every this many epochs.
    case epochs(Int)

    /// The most of a run's time `auto` lets its checkpoints take.
    public static let autoShare = 0.02
}

extension SpecDecoder {
    func decodeEvaluation(_ node: inout YAMLNode) -> EvaluationSpec? {
        guard var map = MappingReader(node, "train.evaluate", log: log) else { return nil }
        let every = map.optional("every", default: .scalar("1")) {
            scalars.int($0, "train.evaluate.every", in: 1...1_000_000)
        }
        let sequence = { (named: [EvaluationSpec.Named]) in
            YAMLNode.Content.sequence(named.map { YAMLNode(.scalar($0.split.name), origin: .defaulted) })
        }
        let standard = EvaluationSpec.standard
        let splits = map.optional("splits", default: sequence(standard.splits)) {
            splitList($0, "train.evaluate.splits")
        }
        let final = map.optional("final", default: sequence(standard.final)) { splitList($0, "train.evaluate.final") }
        map.finish()
        var resolved = map.resolvedNode
        resolved.isFlow = true
        node = resolved
        guard let every, let splits, let final else { return nil }
        return EvaluationSpec(every: every, splits: splits, final: final)
    }

    /// A list of split names, each once; `[]` is allowed (measure nothing).
    private func splitList(_ node: YAMLNode, _ what: String) -> [EvaluationSpec.Named]? {
        if let items = node.items, items.isEmpty { return [] }
        guard let names = scalars.nameList(node, what) else { return nil }
        var result: [EvaluationSpec.Named] = []
        for (name, origin) in names {
            guard let split = Split(named: name) else {
                log.error(
                    origin,
                    "unknown split '\(name)' in \(what) (the splits are \(Split.names.joined(separator: ", ")))"
                        + NearestName.hint(name, in: Split.names))
                return nil
            }
            guard !result.contains(where: { $0.split == split }) else {
                log.error(origin, "\(what) names the split '\(name)' twice")
                return nil
            }
            result.append(EvaluationSpec.Named(split: split, origin: origin))
        }
        return result
    }

    func decodeCheckpointInterval(_ node: YAMLNode) -> CheckpointInterval? {
        if let text = node.scalarText, !node.isQuoted, Int(text) != nil {
            return scalars.int(node, "train.checkpoint_every", in: 1...1_000_000).map { .epochs($0) }
        }
        guard node.scalarText == "auto" else {
            log.error(
                node.origin,
                "train.checkpoint_every must be auto or a whole number of epochs; found \(node.kindDescription)")
            return nil
        }
        return .auto
    }
}
