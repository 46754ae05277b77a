/// The distribution `z` is drawn from: the target the adversarial phases push the codes towards.
public enum PriorSpec: Sendable, Equatable {
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

    /// The dimension of one sample.
    public var dimension: Int {
        switch self {
        case .normal(let dim, _, _), .uniform(let dim, _, _): return dim
        case .mixture: return 2
        case .categorical(let classes): return classes
        }
    }

    /// Whether samples follow the labels of the batch they are drawn beside.
    public var followsLabels: Bool {
        if case .mixture(_, _, _, true) = self { return true }
        return false
    }

    static let kinds = ["normal", "uniform", "mixture", "categorical"]
}

extension SpecDecoder {
    func decodePrior(_ node: inout YAMLNode) -> PriorSpec? {
        guard let (kind, value, keyOrigin) = variant(node, "prior", PriorSpec.kinds),
            var map = MappingReader(value, "prior '\(kind)'", log: log)
        else { return nil }
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
}

/// All three values, or nil when any is missing.
func zip3<A, B, C>(_ a: A?, _ b: B?, _ c: C?) -> (A, B, C)? {
    guard let a, let b, let c else { return nil }
    return (a, b, c)
}
