/// `sweep:` in a spec: the study `runexp sweep SPEC` runs when the command line does not say.
///
/// ```yaml
/// sweep:
///   seeds: [0, 1, 2, 3, 4]
///   grid:
///     phases.discriminator.optimizer.adam.lr: [1.0e-4, 3.0e-4]
///     train.batch_size: [64, 128]
/// ```
public struct SweepSpec: Sendable, Equatable {
    public var seeds: [Int]
    /// Each spec key (a `--set` path) and the values it takes, as written, in order.
    public var grid: [Entry]

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
        map.finish()
        node = map.resolvedNode
        guard let seeds, let grid else { return nil }
        return SweepSpec(seeds: seeds, grid: grid)
    }
}
