/// One thing a run writes besides its metrics, and where the spec asked for it.
public struct OutputSpec: Sendable, Equatable {
    public var kind: Kind
    public var origin: Origin

    /// The networks this output calls.
    public var networks: [String] {
        switch kind {
        case .curves, .reconstructions: return []
        case .tsne(_, _, _, let encoder): return [encoder]
        case .latent(_, _, _, let encoder, let decoder): return [encoder, decoder]
        case .parzen(_, _, let decoder): return [decoder]
        }
    }
}

extension OutputSpec {
    /// The kinds of output.
    public enum Kind: Sendable, Equatable {
        /// Curves of these phases' losses over training (all phases when the list is empty).
        case curves(phases: [String])
        /// `count` images of `split` chosen by the seed, above their reconstructions.
        case reconstructions(split: Split, count: Int)
        /// A 2-D t-SNE map of `points` codes of `split`, computed by the `encoder` network.
        case tsne(split: Split, points: Int, perplexity: Double, encoder: String)
        /// Prior samples, interpolations and latent walks, decoded by `decoder`.
        case latent(samples: Int, interpolations: Int, steps: Int, encoder: String, decoder: String)
        /// The Parzen-window log-likelihood of up to `points` test images under `samples` decoded
        /// prior samples, σ chosen on the validation images: `parzen_log_likelihood`.
        case parzen(samples: Int, points: Int, decoder: String)

        /// Which kind it is, by its key in the spec.
        public var family: Family {
            switch self {
            case .curves: return .curves
            case .reconstructions: return .reconstructions
            case .tsne: return .tsne
            case .latent: return .latent
            case .parzen: return .parzen
            }
        }
    }

    /// The kinds of output by their keys in a spec: the one place their names are spelled.
    public enum Family: String, CaseIterable, Sendable {
        case curves, reconstructions, tsne, latent, parzen

        /// Its key in a spec and in messages.
        public var name: String { rawValue }
        /// Every kind's key, for messages and suggestions.
        public static var names: [String] { allCases.map(\.name) }
    }

    /// The output's key in the spec: `curves`, `reconstructions`, `tsne`, `latent`, `parzen`.
    public var name: String { kind.family.name }

    /// The split an output draws from (reconstructions, t-SNE), if it draws from one.
    public var requestedSplit: Split? {
        switch kind {
        case .reconstructions(let split, _), .tsne(let split, _, _, _): return split
        case .curves, .latent, .parzen: return nil
        }
    }
}

/// A condition on a final metric that a run (and a replay) must meet, e.g. `test_mse: {max: 0.02}`.
public struct Expectation: Sendable, Equatable {
    public var metric: String
    public var minimum: Double?
    public var maximum: Double?
    public var origin: Origin

    /// The metrics an expectation may name: every metric a run records.
    public static var metrics: [String] { Metric.names(Metric.all) }
}

extension SpecDecoder {
    func decodeOutputs(_ node: inout YAMLNode) -> [OutputSpec]? {
        guard var items = node.items else {
            log.error(
                node.origin,
                "outputs must be a list such as [curves, reconstructions: {count: 10}]; found \(node.kindDescription)")
            return nil
        }
        var outputs: [OutputSpec] = []
        for index in items.indices {
            if let output = decodeOutput(&items[index]) { outputs.append(output) }
        }
        node.content = .sequence(items)
        node.isFlow = false
        return outputs.count == items.count ? outputs : nil
    }

    private func decodeOutput(_ node: inout YAMLNode) -> OutputSpec? {
        guard let (key, value, keyOrigin) = variant(node, "output", OutputSpec.Family.names),
            let kind = OutputSpec.Family(rawValue: key)
        else { return nil }
        var settings = value
        if kind == .curves, value.items != nil || (value.scalarText != nil && !value.isNull) {
            settings = YAMLNode(
                .mapping([YAMLEntry(key: "phases", keyOrigin: value.origin, value: value)]),
                origin: value.origin)
        }
        guard var map = MappingReader(settings, "output '\(key)'", log: log) else { return nil }
        let output = outputSettings(kind, &map).map { OutputSpec(kind: $0, origin: keyOrigin) }
        map.finish()
        var resolved = map.resolvedNode
        resolved.isFlow = true
        node = variantNode(key, keyOrigin, resolved, like: node)
        return output
    }

    private func outputSettings(_ kind: OutputSpec.Family, _ map: inout MappingReader) -> OutputSpec.Kind? {
        let w = "outputs.\(kind.name)"
        func split(_ fallback: Split) -> Split? {
            map.optional("split", default: .scalar(fallback.name)) {
                scalars.choice($0, "split", Split.names).flatMap(Split.init(named:))
            }
        }
        func network(_ key: String) -> String? {
            map.optional(key, default: .scalar(key)) { scalars.string($0, "\(w).\(key)") }
        }
        switch kind {
        case .curves:
            let phases = map.optional("phases", default: .sequence([])) { node -> [String]? in
                node.items?.isEmpty == true ? [] : scalars.nameList(node, "\(w).phases")?.map(\.0)
            }
            return phases.map { .curves(phases: $0) }
        case .reconstructions:
            let split = split(.test)
            let count = map.optional("count", default: .scalar("10")) { scalars.int($0, "\(w).count", in: 1...1000) }
            guard let split, let count else { return nil }
            return .reconstructions(split: split, count: count)
        case .tsne:
            let split = split(.train)
            let points = map.optional("points", default: .scalar("10000")) {
                scalars.int($0, "\(w).points", in: 10...1_000_000)
            }
            let perplexity = map.optional("perplexity", default: .scalar("30")) {
                scalars.double($0, "\(w).perplexity", in: 1...1000)
            }
            let encoder = network("encoder")
            guard let split, let points, let perplexity, let encoder else { return nil }
            return .tsne(split: split, points: points, perplexity: perplexity, encoder: encoder)
        case .parzen:
            let samples = map.optional("samples", default: .scalar("10000")) {
                scalars.int($0, "\(w).samples", in: 10...1_000_000)
            }
            let points = map.optional("points", default: .scalar("10000")) {
                scalars.int($0, "\(w).points", in: 1...1_000_000)
            }
            let decoder = network("decoder")
            guard let samples, let points, let decoder else { return nil }
            return .parzen(samples: samples, points: points, decoder: decoder)
        case .latent:
            let samples = map.optional("samples", default: .scalar("100")) {
                scalars.int($0, "\(w).samples", in: 1...10_000)
            }
            let pairs = map.optional("interpolations", default: .scalar("8")) {
                scalars.int($0, "\(w).interpolations", in: 0...1000)
            }
            let steps = map.optional("steps", default: .scalar("10")) { scalars.int($0, "\(w).steps", in: 2...1000) }
            let encoder = network("encoder"), decoder = network("decoder")
            guard let samples, let pairs, let steps, let encoder, let decoder else { return nil }
            return .latent(samples: samples, interpolations: pairs, steps: steps, encoder: encoder, decoder: decoder)
        }
    }

    func decodeExpectations(_ node: inout YAMLNode) -> [Expectation]? {
        guard var entries = node.entries else {
            log.error(
                node.origin, "expect must be a mapping such as {test_mse: {max: 0.02}}; found \(node.kindDescription)")
            return nil
        }
        var expectations: [Expectation] = []
        for index in entries.indices {
            let metric = entries[index].key, keyOrigin = entries[index].keyOrigin
            if !Expectation.metrics.contains(metric) {
                log.error(
                    keyOrigin,
                    "unknown metric '\(metric)' in expect\(NearestName.hint(metric, in: Expectation.metrics))")
                continue
            }
            guard var map = MappingReader(entries[index].value, "expect.\(metric)", log: log) else { continue }
            let minimum = map.ifPresent("min") { scalars.double($0, "expect.\(metric).min") }
            let maximum = map.ifPresent("max") { scalars.double($0, "expect.\(metric).max") }
            map.finish()
            if map.writtenKeys.filter({ $0 == "min" || $0 == "max" }).isEmpty {
                log.error(entries[index].value.origin, "expect.\(metric) needs min, max or both")
            }
            entries[index].value = map.resolvedNode
            entries[index].value.isFlow = true
            expectations.append(Expectation(metric: metric, minimum: minimum, maximum: maximum, origin: keyOrigin))
        }
        node.content = .mapping(entries)
        return expectations
    }
}
