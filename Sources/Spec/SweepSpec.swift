/// `sweep:` in a spec: the study `runexp sweep SPEC` runs when the command line does not say.
///
/// ```yaml
/// sweep:
///   seeds: [0, 1, 2, 3, 4]
///   grid:
///     phases.discriminator.optimizer.adam.lr: [1.0e-4, 3.0e-4]
///     train.batch_size: [64, 128]
/// ```
///
/// or a random search with pruning:
///
/// ```yaml
/// sweep:
///   space:
///     phases.reconstruction.optimizer.adam.lr: loguniform(1.0e-4, 3.0e-3)
///     networks.encoder.layers.0.conv2d.filters: choice(16, 32, 64)
///   search: {random: {trials: 12}}
///   prune: {asha: {metric: validation_mse, min_epochs: 1, reduction: 3}}
/// ```
public struct SweepSpec: Sendable, Equatable {
    public var seeds: [Int]
    /// Each spec key (a `--set` path) and the values it takes, as written, in order.
    public var grid: [Entry]
    /// Each spec key a random search draws, and what from.
    public var space: [SpaceEntry] = []
    /// The settings a search draws from `space` (nil: the grid's settings).
    public var searchTrials: Int?
    /// Set for a TPE search (nil: random draws).
    public var tpe: TPESpec?
    public var prune: PruneSpec?

    /// One key of a search space.
    public struct SpaceEntry: Sendable, Equatable {
        public var key: String
        public var distribution: SearchDistribution
    }

    /// One key of the grid.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var values: [String]
    }
}

extension SpecDecoder {
    func decodeSweep(_ node: inout YAMLNode) -> SweepSpec? {
        guard var map = MappingReader(node, "sweep", log: log) else { return nil }
        let seeds = map.optional("seeds", default: .sequence([.init(.scalar("0"), origin: .defaulted)])) {
            scalars.intList($0, "sweep.seeds", in: ExperimentSpec.seeds)
        }
        let grid = map.optional("grid", default: .mapping([])) { node -> [SweepSpec.Entry]? in
            guard node.isNull || node.entries != nil else {
                log.error(
                    node.origin, "sweep.grid must map spec keys to lists of values, e.g. {train.batch_size: [64, 128]}")
                return nil
            }
            var entries: [SweepSpec.Entry] = []
            for entry in node.entries ?? [] {
                guard let items = entry.value.items, !items.isEmpty,
                    let values = Optional(items.compactMap(\.scalarText)), values.count == items.count
                else {
                    log.error(entry.value.origin, "sweep.grid.\(entry.key) must be a list of values, e.g. [64, 128]")
                    continue
                }
                entries.append(SweepSpec.Entry(key: entry.key, values: values))
            }
            return entries
        }
        let space = map.optional("space", default: .mapping([])) { decodeSpace($0) }
        let random = map.ifPresent("search") { decodeSearch($0) }
        let prune = map.ifPresent("prune") { decodePrune($0) }
        map.finish()
        node = map.resolvedNode
        guard let seeds, let grid, let space else { return nil }
        var sweep = SweepSpec(seeds: seeds, grid: grid)
        (sweep.space, sweep.searchTrials, sweep.tpe, sweep.prune) = (space, random?.trials, random?.tpe, prune)
        if !space.isEmpty, random == nil {
            log.error(node.origin, "sweep.space needs a search to draw from it, e.g. search: {random: {trials: 12}}")
        }
        if random != nil, space.isEmpty {
            log.error(node.origin, "sweep.search draws from sweep.space, which names no key")
        }
        if !space.isEmpty, !grid.isEmpty {
            log.error(node.origin, "sweep gives both a grid and a space; a random search draws every key it varies")
        }
        return sweep
    }

    private func decodeSpace(_ node: YAMLNode) -> [SweepSpec.SpaceEntry]? {
        guard node.isNull || node.entries != nil else {
            log.error(
                node.origin, "sweep.space must map spec keys to distributions, e.g. {train.batch_size: choice(64, 128)}"
            )
            return nil
        }
        var entries: [SweepSpec.SpaceEntry] = []
        for entry in node.entries ?? [] {
            guard let text = entry.value.scalarText else {
                log.error(
                    entry.value.origin,
                    "sweep.space.\(entry.key) must be a distribution such as loguniform(1.0e-4, 1.0e-2)")
                continue
            }
            switch SearchDistribution.parse(text) {
            case .success(let distribution): entries.append(.init(key: entry.key, distribution: distribution))
            case .failure(let problem): log.error(entry.value.origin, "sweep.space.\(entry.key): \(problem)")
            }
        }
        return entries
    }

    /// `{random: {trials: N}}` or `{tpe: {trials: N, metric, startup}}`: the number of settings to
    /// draw, and how.
    private func decodeSearch(_ node: YAMLNode) -> (trials: Int, tpe: TPESpec?)? {
        guard let (kind, value, _) = variant(node, "sweep.search", ["random", "tpe"]),
            var map = MappingReader(value, "sweep.search.\(kind)", log: log)
        else { return nil }
        let trials = map.required("trials") { scalars.int($0, "sweep.search.\(kind).trials", in: 1...10_000) }
        var tpe: TPESpec?
        if kind == "tpe" {
            let metric = map.optional("metric", default: .scalar(Metric.of(.mse, on: .validation).name)) { node in
                scalars.string(node, "sweep.search.tpe.metric").flatMap { name -> String? in
                    guard Metric.named(name) != nil else {
                        log.error(
                            node.origin,
                            "sweep.search.tpe.metric: '\(name)' is not a metric\(NearestName.hint(name, in: Metric.all.map(\.name)))"
                        )
                        return nil
                    }
                    return name
                }
            }
            let startup = map.optional("startup", default: .scalar("10")) {
                scalars.int($0, "sweep.search.tpe.startup", in: 1...10_000)
            }
            guard let metric, let startup else { return nil }
            tpe = TPESpec(metric: metric, startup: startup)
        }
        map.finish()
        return trials.map { ($0, tpe) }
    }

    private func decodePrune(_ node: YAMLNode) -> PruneSpec? {
        guard let (kind, value, _) = variant(node, "sweep.prune", ["asha"]),
            var map = MappingReader(value, "sweep.prune.\(kind)", log: log)
        else { return nil }
        let metric = map.optional("metric", default: .scalar(Metric.of(.mse, on: .validation).name)) {
            scalars.string($0, "sweep.prune.asha.metric")
        }
        let minEpochs = map.optional("min_epochs", default: .scalar("1")) {
            scalars.int($0, "sweep.prune.asha.min_epochs", in: 1...100_000)
        }
        let reduction = map.optional("reduction", default: .scalar("3")) {
            scalars.int($0, "sweep.prune.asha.reduction", in: 2...100)
        }
        map.finish()
        guard let metric, let minEpochs, let reduction else { return nil }
        switch PruneSpec.parse("\(metric),\(minEpochs),\(reduction)") {
        case .success(let prune): return prune
        case .failure(let problem):
            log.error(value.origin, "sweep.prune.asha: \(problem)")
            return nil
        }
    }
}
