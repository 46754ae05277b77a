/// The distribution `z` is drawn from: the target the adversarial phases push the codes towards.
public indirect enum PriorSpec: Sendable, Equatable {
    /// N(mean, std²·I) in `dim` dimensions.
    case normal(dim: Int, mean: Double, std: Double)
    /// Uniform on [low, high) in every one of `dim` dimensions.
    case uniform(dim: Int, low: Double, high: Double)
    /// The AAE paper's picture: `modes` 2-D Gaussians with std `std`, their means evenly on a circle.
    /// With `byLabel`, each sample comes from the mode of its batch row's label (the paper's
    /// supervised prior), otherwise from a mode drawn at random.
    case mixture(modes: Int, radius: Double, std: Double, byLabel: Bool)
    /// One-hot vectors of a class drawn uniformly: the prior of a categorical code.
    case categorical(classes: Int)
    /// Independent named priors side by side in each sample, in the order written: the
    /// semi-supervised AAE's one-hot digit beside its Gaussian style. `z.style` is one part.
    case parts([PriorPart])

    /// The dimension of one sample.
    public var dimension: Int {
        switch self {
        case .normal(let dim, _, _), .uniform(let dim, _, _): return dim
        case .mixture: return 2
        case .categorical(let classes): return classes
        case .parts(let parts): return parts.reduce(0) { $0 + $1.prior.dimension }
        }
    }

    /// Whether samples follow the labels of the batch they are drawn beside.
    public var followsLabels: Bool {
        switch self {
        case .mixture(_, _, _, let byLabel): return byLabel
        case .parts(let parts): return parts.contains { $0.prior.followsLabels }
        default: return false
        }
    }

    /// The named parts of a sample (`z.digit`), empty for a prior of one kind.
    public var parts: [PriorPart] {
        if case .parts(let parts) = self { return parts }
        return []
    }

    static let kinds = ["normal", "uniform", "mixture", "categorical", "parts"]
}

/// One named part of a prior made of parts: `digit: {categorical: {classes: 10}}`.
public struct PriorPart: Sendable, Equatable {
    public var name: String
    public var prior: PriorSpec
    /// Where the part's name was written.
    public var origin: Origin

    public init(name: String, prior: PriorSpec, origin: Origin) {
        self.name = name
        self.prior = prior
        self.origin = origin
    }
}

extension SpecDecoder {
    func decodePrior(_ node: inout YAMLNode, nested: Bool = false) -> PriorSpec? {
        let kinds = nested ? PriorSpec.kinds.filter { $0 != "parts" } : PriorSpec.kinds
        guard let (kind, value, keyOrigin) = variant(node, "prior", kinds) else { return nil }
        if kind == "parts" { return decodePriorParts(&node, value, keyOrigin) }
        guard var map = MappingReader(value, "prior '\(kind)'", log: log) else { return nil }
        let prior: PriorSpec?
        switch kind {
        case "normal":
            let dim = map.required("dim") { scalars.int($0, "prior.normal.dim", in: 1...100_000) }
            let mean = map.optional("mean", default: .scalar("0")) { scalars.double($0, "prior.normal.mean") }
            let std = map.optional("std", default: .scalar("1")) {
                scalars.double($0, "prior.normal.std", in: 1e-12...1e12)
            }
            prior = zip3(dim, mean, std).map { .normal(dim: $0, mean: $1, std: $2) }
        case "uniform":
            let dim = map.required("dim") { scalars.int($0, "prior.uniform.dim", in: 1...100_000) }
            let low = map.optional("low", default: .scalar("-1")) { scalars.double($0, "prior.uniform.low") }
            let high = map.optional("high", default: .scalar("1")) { scalars.double($0, "prior.uniform.high") }
            if let low, let high, low >= high {
                log.error(value.origin, "prior.uniform needs low < high; found low \(low), high \(high)")
                prior = nil
            } else {
                prior = zip3(dim, low, high).map { .uniform(dim: $0, low: $1, high: $2) }
            }
        case "categorical":
            let classes = map.optional("classes", default: .scalar("10")) {
                scalars.int($0, "prior.categorical.classes", in: 2...100_000)
            }
            prior = classes.map { .categorical(classes: $0) }
        default:
            let modes = map.optional("modes", default: .scalar("10")) {
                scalars.int($0, "prior.mixture.modes", in: 1...1000)
            }
            let radius = map.optional("radius", default: .scalar("4")) {
                scalars.double($0, "prior.mixture.radius", in: 0...1e6)
            }
            let std = map.optional("std", default: .scalar("0.5")) {
                scalars.double($0, "prior.mixture.std", in: 1e-12...1e6)
            }
            let byLabel = map.optional("by_label", default: .scalar("false")) {
                scalars.bool($0, "prior.mixture.by_label")
            }
            prior = zip3(modes, radius, std).flatMap { modes, radius, std in
                byLabel.map { .mixture(modes: modes, radius: radius, std: std, byLabel: $0) }
            }
        }
        map.finish()
        node = variantNode(kind, keyOrigin, map.resolvedNode, like: node)
        return prior
    }

    /// `parts: {digit: {categorical: …}, style: {normal: …}}`: each part a prior of one kind.
    private func decodePriorParts(_ node: inout YAMLNode, _ value: YAMLNode, _ keyOrigin: Origin) -> PriorSpec? {
        guard let entries = value.entries, !entries.isEmpty else {
            log.error(
                value.origin,
                "prior.parts must map each part's name to a prior, e.g. {digit: {categorical: {classes: 10}}, style: {normal: {dim: 8}}}"
            )
            return nil
        }
        var parts: [PriorPart] = []
        var resolved: [YAMLEntry] = []
        var failed = false
        for var entry in entries {
            checkName(entry.key, entry.keyOrigin, "prior part")
            if parts.contains(where: { $0.name == entry.key }) {
                log.error(entry.keyOrigin, "a second prior part is named '\(entry.key)'; part names must differ")
            }
            if let prior = decodePrior(&entry.value, nested: true) {
                parts.append(PriorPart(name: entry.key, prior: prior, origin: entry.keyOrigin))
            } else {
                failed = true
            }
            resolved.append(entry)
        }
        var partsNode = value
        partsNode.content = .mapping(resolved)
        node = variantNode("parts", keyOrigin, partsNode, like: node)
        return failed ? nil : .parts(parts)
    }
}

/// All three values, or nil when any is missing.
func zip3<A, B, C>(_ a: A?, _ b: B?, _ c: C?) -> (A, B, C)? {
    guard let a, let b, let c else { return nil }
    return (a, b, c)
}
