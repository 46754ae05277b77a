#if canImport(Glibc)
    import Glibc
#endif

/// An optimizer and its settings; each phase owns one, with its own state.
public enum OptimizerSpec: Sendable, Equatable, CustomStringConvertible {
    case sgd(lr: Double, momentum: Double, weightDecay: Double)
    case adam(lr: Double, beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double)

    public var description: String {
        switch self {
        case .sgd(let lr, let momentum, let decay):
            return "sgd lr=\(lr)" + (momentum > 0 ? " momentum=\(momentum)" : "") + (decay > 0 ? " decay=\(decay)" : "")
        case .adam(let lr, let b1, let b2, _, let decay):
            return "adam lr=\(lr)" + (b1 != 0.9 || b2 != 0.999 ? " betas=\(b1),\(b2)" : "")
                + (decay > 0 ? " decay=\(decay)" : "")
        }
    }
}

/// How a phase's learning rate follows training, and how its gradients are kept in bounds.
public struct OptimizerSchedule: Sendable, Equatable {
    public var learningRate: LearningRateSchedule = .constant
    /// Steps over which the rate rises linearly from 0 to its scheduled value.
    public var warmupSteps = 0
    /// When set, gradients are scaled so that their global L2 norm (over every tensor the phase
    /// trains) is at most this.
    public var clipNorm: Double?
    /// AdamW: weight decay shrinks the weights directly instead of joining the gradient.
    public var decoupledWeightDecay = false
    /// Weight decay of named networks' tensors, in place of the optimizer's own (which is then 0):
    /// `weight_decay: {decoder: 1.0e-7}` decays only the decoder, as two optimizers over one loss would.
    public var networkWeightDecay: [NetworkWeightDecay] = []

    public init(
        learningRate: LearningRateSchedule = .constant, warmupSteps: Int = 0, clipNorm: Double? = nil,
        decoupledWeightDecay: Bool = false
    ) {
        self.learningRate = learningRate
        self.warmupSteps = warmupSteps
        self.clipNorm = clipNorm
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    /// `optimizer` described with this schedule: `adamw lr=0.001 cosine→1e-05 warmup=500 clip=1.0`.
    public func describe(_ optimizer: OptimizerSpec) -> String {
        var text = optimizer.description
        if decoupledWeightDecay, text.hasPrefix("adam ") { text = "adamw " + text.dropFirst(5) }
        switch learningRate {
        case .constant: break
        case .cosine(let end): text += " cosine→\(end)"
        case .step(let every, let factor): text += " ×\(factor) every \(every) epochs"
        }
        if warmupSteps > 0 { text += " warmup=\(warmupSteps)" }
        if let clipNorm { text += " clip=\(clipNorm)" }
        for decay in networkWeightDecay { text += " \(decay.network).decay=\(decay.decay)" }
        return text
    }

    /// The rate of update `step` (from 1) of `totalSteps`, with `stepsPerEpoch`, for a base rate `lr`.
    public func rate(_ lr: Double, step: Int, totalSteps: Int, stepsPerEpoch: Int) -> Double {
        var rate = lr
        switch learningRate {
        case .constant: break
        case .cosine(let end):
            let t = min(Double(step - 1) / Double(max(totalSteps - 1, 1)), 1)
            rate = end + (lr - end) * (1 + cos(Double.pi * t)) / 2
        case .step(let every, let factor):
            let epoch = (step - 1) / max(stepsPerEpoch, 1)
            rate = lr * pow(factor, Double(epoch / every))
        }
        if warmupSteps > 0, step < warmupSteps { rate *= Double(step) / Double(warmupSteps) }
        return rate
    }
}

/// The weight decay of one network's tensors within a phase's optimizer.
public struct NetworkWeightDecay: Sendable, Equatable {
    public var network: String
    public var decay: Double
    /// Where the spec names the network, for errors.
    public var origin: Origin

    public init(network: String, decay: Double, origin: Origin) {
        self.network = network
        self.decay = decay
        self.origin = origin
    }
}

/// The learning rate over training, from the optimizer's `lr` (the start).
public enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// Half a cosine from the start to `end` over the whole run.
    case cosine(end: Double)
    /// Multiplied by `factor` every `everyEpochs` epochs.
    case step(everyEpochs: Int, factor: Double)
}

extension SpecDecoder {
    func decodeOptimizer(_ node: inout YAMLNode, phase: Int) -> (OptimizerSpec, OptimizerSchedule)? {
        if node.entries?.isEmpty == true {
            node = YAMLNode(.scalar("adam"), origin: .defaulted)
        }
        guard let (kind, value, keyOrigin) = variant(node, "optimizer", ["adam", "adamw", "sgd"]),
            var map = MappingReader(value, "optimizer '\(kind)'", log: log)
        else { return nil }
        let what = "phases[\(phase)].optimizer.\(kind)"
        let rate = map.optional("lr", default: .scalar(kind == "sgd" ? "0.01" : "0.001")) {
            decodeLearningRate(&$0, what: "\(what).lr")
        }
        let lr = rate?.start
        let warmup = map.optional("warmup_steps", default: .scalar("0")) {
            scalars.int($0, "\(what).warmup_steps", in: 0...100_000_000)
        }
        let clip = map.ifPresent("clip_norm") { scalars.double($0, "\(what).clip_norm", in: 1e-12...1e12) }
        var networkDecay: [NetworkWeightDecay] = []
        let optimizer: OptimizerSpec?
        if kind != "sgd" {
            let beta1 = map.optional("beta1", default: .scalar("0.9")) {
                scalars.double($0, "\(what).beta1", in: 0...0.999999)
            }
            let beta2 = map.optional("beta2", default: .scalar("0.999")) {
                scalars.double($0, "\(what).beta2", in: 0...0.999999)
            }
            let epsilon = map.optional("epsilon", default: .scalar("1.0e-8")) {
                scalars.double($0, "\(what).epsilon", in: 1e-30...1)
            }
            let decay = map.optional("weight_decay", default: .scalar(kind == "adamw" ? "0.01" : "0")) {
                decodeWeightDecay($0, what: "\(what).weight_decay", networks: &networkDecay)
            }
            if let lr, let beta1, let beta2, let epsilon, let decay {
                optimizer = .adam(lr: lr, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: decay)
            } else {
                optimizer = nil
            }
        } else {
            let momentum = map.optional("momentum", default: .scalar("0")) {
                scalars.double($0, "\(what).momentum", in: 0...0.999999)
            }
            let decay = map.optional("weight_decay", default: .scalar("0")) {
                decodeWeightDecay($0, what: "\(what).weight_decay", networks: &networkDecay)
            }
            optimizer = zip3(lr, momentum, decay).map { .sgd(lr: $0, momentum: $1, weightDecay: $2) }
        }
        map.finish()
        var resolved = map.resolvedNode
        resolved.isFlow = true
        node = variantNode(kind, keyOrigin, resolved, like: node)
        node.isFlow = true
        guard let optimizer, let rate, let warmup else { return nil }
        var schedule = OptimizerSchedule(
            learningRate: rate.schedule, warmupSteps: warmup, clipNorm: clip, decoupledWeightDecay: kind == "adamw")
        schedule.networkWeightDecay = networkDecay
        return (optimizer, schedule)
    }

    /// `weight_decay`: a number for every tensor the phase trains, or `{network: number, …}` for the
    /// named networks only (the optimizer's own decay is then 0).
    private func decodeWeightDecay(
        _ node: YAMLNode, what: String, networks: inout [NetworkWeightDecay]
    ) -> Double? {
        guard let entries = node.entries else { return scalars.double(node, what, in: 0...1e6) }
        var complete = !entries.isEmpty
        if entries.isEmpty { log.error(node.origin, "\(what) names no network; give a number or {network: number}") }
        for entry in entries {
            guard let decay = scalars.double(entry.value, "\(what).\(entry.key)", in: 0...1e6) else {
                complete = false
                continue
            }
            networks.append(NetworkWeightDecay(network: entry.key, decay: decay, origin: entry.keyOrigin))
        }
        return complete ? 0 : nil
    }

    /// `lr`: a number, `{cosine: {start, end}}` or `{step: {start, every_epochs, factor}}`.
    private func decodeLearningRate(_ node: inout YAMLNode, what: String) -> (
        start: Double, schedule: LearningRateSchedule
    )? {
        if node.scalarText != nil { return scalars.double(node, what, in: 0...1e6).map { ($0, .constant) } }
        guard let (kind, value, keyOrigin) = variant(node, what, ["cosine", "step"]),
            var map = MappingReader(value, "\(what).\(kind)", log: log)
        else { return nil }
        let start = map.required("start") { scalars.double($0, "\(what).\(kind).start", in: 0...1e6) }
        let result: (Double, LearningRateSchedule)?
        if kind == "cosine" {
            let end = map.optional("end", default: .scalar("0")) {
                scalars.double($0, "\(what).cosine.end", in: 0...1e6)
            }
            if let start, let end { result = (start, .cosine(end: end)) } else { result = nil }
        } else {
            let every = map.required("every_epochs") { scalars.int($0, "\(what).step.every_epochs", in: 1...1_000_000) }
            let factor = map.optional("factor", default: .scalar("0.1")) {
                scalars.double($0, "\(what).step.factor", in: 0...1)
            }
            if let start, let every, let factor {
                result = (start, .step(everyEpochs: every, factor: factor))
            } else {
                result = nil
            }
        }
        map.finish()
        var resolved = map.resolvedNode
        resolved.isFlow = true
        node = variantNode(kind, keyOrigin, resolved, like: node)
        node.isFlow = true
        return result
    }
}
