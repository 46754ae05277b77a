/// What the parts of a model are, found once from its resolved losses — the one authority that
/// evaluation, the outputs, the discriminator probe and `apply` read: which prediction is the
/// reconstruction, which phase's loss is the model's objective, where a classifier head is, which
/// network is a critic of the prior, and which networks make logits of images.
public struct ModelRoles: Sendable {
    /// The prediction of the first loss term that compares something computed from `x` alone with
    /// `x` itself: `decoder(encoder(x))`, `decoder(encoder(noise(x, 0.3)))` (a denoising model
    /// reconstructs from corrupted input), `decoder(sample_normal(encoder(x).mu, …))` (a VAE
    /// reconstructs from a draw of its posterior); failing that, the prediction `ms_ssim` compares
    /// with `x` (MSSSIM-VAE).
    public struct Reconstruction: Sendable, Equatable {
        public var phase: Int
        /// The prediction's node in that phase's loss.
        public var prediction: Int
        /// Whether the prediction is logits (compared by `bce_logits`): images are its sigmoid.
        public var logits: Bool
    }

    /// The logits of the first cross-entropy term over something computed from `x` alone.
    public struct ClassifierHead: Sendable, Equatable {
        public var phase: Int
        public var logits: Int
        public var classes: Int
    }

    /// A network a loss applies to prior samples (`z`), and the chain of networks that takes `x` to
    /// what it also judges: the adversary of an AAE.
    public struct Critic: Sendable, Equatable {
        public var phase: Int
        public var network: String
        /// The networks from `x` to the critic's other input, innermost first (`[encoder]`).
        public var chain: [String]
    }

    public let reconstruction: Reconstruction?
    /// The phase whose whole loss is the model's objective, measured per split as `<split>_loss`:
    /// the first that reads `x` (and perhaps prior samples, drawn in evaluation from a stream of
    /// their own: a WAE's MMD), is more than one reconstruction term, and
    /// passes through no network it does not train, or only through judges of what it trains beside
    /// a reconstruction of `x`: a critic's, a classifier's or an AAE generator's phase is not the
    /// objective; FactorVAE's, whose critic estimates the total correlation of its codes, is.
    /// Failing that, the first phase that reconstructs `x` in a network's features
    /// (`sse(discriminator(decoder(…)), discriminator(x))`, VAE-GAN's encoder phase).
    public let measuredPhase: Int?
    public let classifierHead: ClassifierHead?
    /// Nil without a prior: then nothing is drawn for a critic to judge.
    public let critic: Critic?
    /// The networks whose output some loss compares with `x` by `bce_logits`.
    public let logitNetworks: Set<String>

    /// The roles of a model with these phases; `hasPrior`: whether the spec draws `z`.
    public init(phases: [PhaseSummary], hasPrior: Bool) {
        let losses = phases.map(\.resolved)
        reconstruction = losses.indices.lazy.compactMap { Self.reconstruction(losses[$0], phase: $0) }.first
        measuredPhase =
            phases.firstIndex(where: Self.isObjective) ?? phases.firstIndex { Self.matchesFeatures($0.resolved) }
        classifierHead = losses.indices.lazy.compactMap { Self.classifierHead(losses[$0], phase: $0) }.first
        critic = hasPrior ? losses.indices.lazy.compactMap { Self.critic(losses[$0], phase: $0) }.first : nil
        logitNetworks = Set(losses.flatMap(Self.logitNetworks))
    }

    /// Whether `network` makes logits of images.
    public func makesLogits(_ network: String) -> Bool { logitNetworks.contains(network) }

    private static func reconstruction(_ loss: ResolvedLoss, phase: Int) -> Reconstruction? {
        for term in loss.lossTerms {
            guard case .loss(let function, let prediction, let target) = loss.nodes[term].operation,
                loss.nodes[target].operation == .data, loss.isComputedFromDataAlone(prediction),
                loss.nodes[prediction].operation != .data
            else { continue }
            return Reconstruction(phase: phase, prediction: prediction, logits: function == .bceLogits)
        }
        for node in loss.nodes {
            guard case .term(let term) = node.operation, term.function is MultiScaleSimilarity,
                loss.nodes[term.inputs[1]].operation == .data, loss.isComputedFromDataAlone(term.inputs[0]),
                loss.nodes[term.inputs[0]].operation != .data
            else { continue }
            return Reconstruction(phase: phase, prediction: term.inputs[0], logits: false)
        }
        return nil
    }

    private static func isObjective(_ summary: PhaseSummary) -> Bool {
        let loss = summary.resolved
        var terms = 0
        var hasTermFunction = false
        for node in loss.nodes {
            switch node.operation {
            case .loss: terms += 1
            case .term:
                terms += 1
                hasTermFunction = true
            default: break
            }
        }
        let judgesOnlyWhatItTrains = loss.nodes.allSatisfy { node in
            guard case .network(let name, let input) = node.operation, summary.passesThrough.contains(name) else {
                return true
            }
            return loss.nodes[input].dependencies.trained
        }
        // An adversary's verdict alone (an AAE's generator phase) is not the objective; beside a
        // reconstruction of x it is a penalty of the objective (FactorVAE's total correlation).
        let reconstructs = loss.nodes.contains { node in
            switch node.operation {
            case .loss(_, _, let target): return loss.nodes[target].operation == .data
            case .function(let f) where f.function is LogBernoulliLogits:
                return loss.nodes[f.inputs[1]].operation == .data
            default: return false
            }
        }
        let passes = summary.passesThrough.isEmpty || (judgesOnlyWhatItTrains && reconstructs)
        return loss.reads(.data) && passes && (terms > 1 || hasTermFunction)
    }

    /// Whether a term compares a network's features of something computed from `x` alone with
    /// the same network's features of `x`, in a loss of more than that term.
    private static func matchesFeatures(_ loss: ResolvedLoss) -> Bool {
        let terms = loss.nodes.filter { node in
            switch node.operation {
            case .loss, .term: return true
            default: return false
            }
        }
        return terms.count > 1
            && loss.lossTerms.contains { term in
                guard case .loss(_, let prediction, let target) = loss.nodes[term].operation,
                    case .network(let judge, let judged) = loss.nodes[prediction].operation,
                    case .network(judge, let real) = loss.nodes[target].operation,
                    loss.nodes[real].operation == .data, loss.nodes[judged].operation != .data
                else { return false }
                return loss.isComputedFromDataAlone(judged)
            }
    }

    private static func classifierHead(_ loss: ResolvedLoss, phase: Int) -> ClassifierHead? {
        for node in loss.nodes {
            guard case .term(let term) = node.operation, let head = term.function as? CrossEntropy,
                let logits = term.inputs.first, loss.isComputedFromDataAlone(logits)
            else { continue }
            return ClassifierHead(phase: phase, logits: logits, classes: head.classes)
        }
        return nil
    }

    private static func critic(_ loss: ResolvedLoss, phase: Int) -> Critic? {
        let applications = loss.nodes.compactMap { node -> (name: String, input: Int)? in
            if case .network(let name, let input) = node.operation { return (name, input) }
            return nil
        }
        guard let network = applications.first(where: { loss.nodes[$0.input].operation == .prior })?.name,
            let chain = applications.lazy.filter({ $0.name == network }).compactMap({ loss.chainOverData($0.input) })
                .first
        else { return nil }
        return Critic(phase: phase, network: network, chain: chain)
    }

    /// Networks whose output a loss compares with `x` by `bce_logits`, or weighs against `x` by
    /// `log_bernoulli_logits`.
    private static func logitNetworks(_ loss: ResolvedLoss) -> [String] {
        loss.nodes.compactMap { node in
            let prediction: Int, target: Int
            switch node.operation {
            case .loss(.bceLogits, let p, let t): (prediction, target) = (p, t)
            case .function(let f) where f.function is LogBernoulliLogits:
                (prediction, target) = (f.inputs[0], f.inputs[1])
            default: return nil
            }
            guard loss.nodes[target].operation == .data,
                case .network(let network, _) = loss.nodes[prediction].operation
            else { return nil }
            return network
        }
    }
}

extension ResolvedLoss {
    /// Whether `node` is computed from `x` and nothing else that varies (no `z`).
    public func isComputedFromDataAlone(_ node: Int) -> Bool {
        var reachesX = false
        var reachesOther = false
        var stack = [node]
        while let next = stack.popLast() {
            switch nodes[next].operation {
            case .data: reachesX = true
            case .prior: reachesOther = true
            default: stack += inputs(of: next)
            }
        }
        return reachesX && !reachesOther
    }
}
