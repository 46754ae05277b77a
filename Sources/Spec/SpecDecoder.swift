/// Turns a spec's YAML tree into an `ExperimentSpec`, collecting every problem on the way.
///
/// Each section's decoding lives beside its type (`DataSpec.swift`, `NetworkSpec.swift`, …) as an
/// extension of this type.
public struct SpecDecoder {
    let log: DiagnosticLog
    let scalars: ScalarDecoder

    /// - Parameter log: where problems are recorded.
    public init(log: DiagnosticLog) {
        self.log = log
        self.scalars = ScalarDecoder(log: log)
    }

    /// Reads a single-key mapping such as `{adam: {lr: 0.001}}` or a bare name such as `adam`.
    ///
    /// Returns the key, its value (an empty mapping for a bare name) and the key's place; reports
    /// anything else, suggesting the nearest of `kinds`.
    func variant(_ node: YAMLNode, _ what: String, _ kinds: [String]) -> (String, YAMLNode, Origin)? {
        if node.scalarText != nil, !node.isNull {
            guard let name = scalars.choice(node, what, kinds) else { return nil }
            return (name, YAMLNode(.mapping([]), origin: node.origin), node.origin)
        }
        guard let entries = node.entries, entries.count == 1, let entry = entries.first else {
            log.error(
                node.origin,
                "\(what) must be one of \(kinds.joined(separator: ", ")), written as `name` or `name: settings`; found \(node.kindDescription)"
            )
            return nil
        }
        guard kinds.contains(entry.key) else {
            log.error(entry.keyOrigin, "unknown \(what) '\(entry.key)'\(NearestName.hint(entry.key, in: kinds))")
            return nil
        }
        return (entry.key, entry.value, entry.keyOrigin)
    }

    /// Rebuilds a single-key mapping after its value was resolved.
    func variantNode(_ key: String, _ keyOrigin: Origin, _ value: YAMLNode, like node: YAMLNode) -> YAMLNode {
        YAMLNode(
            .mapping([YAMLEntry(key: key, keyOrigin: keyOrigin, value: value)]), origin: node.origin,
            isFlow: node.isFlow)
    }
}
