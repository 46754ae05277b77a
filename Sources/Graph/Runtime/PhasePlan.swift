import Kernels
import Spec

/// A phase's loss turned into a static graph: values, layer applications in execution order, loss
/// terms and how they combine, with the per-phase gradient analysis done once.
///
/// A value needs a gradient when it depends on a tensor the phase trains. A layer application runs
/// backward only when its output needs a gradient; it computes parameter gradients only when the
/// phase updates its network, and an input gradient only when its input needs one (Caffe's and
/// tinygrad's flags). So the discriminator phase never differentiates the encoder, and the
/// generator phase passes gradients through the discriminator without computing its weight gradients.
public struct PhasePlan: Sendable {
    /// One tensor of the graph. Views (flatten, reshape) share their input's storage: `root`.
    public struct Value: Sendable {
        public var shape: SampleShape
        public var root: Int
        public var needsGradient: Bool
    }

    /// One layer of one network, applied to one value.
    public struct Application: @unchecked Sendable {
        public var network: String
        public var layerIndex: Int
        public var layer: any Layer
        public var input: Int
        public var output: Int
        public var computesParameterGradients: Bool
        /// The activation of the next layer, fused into this one (see `FusesActivation`).
        public var epilogue: Activation = .identity
    }

    /// What a loss compares its prediction with.
    public enum Target: Sendable {
        case value(Int)
        case constant(Float)
    }

    /// One call of a loss function.
    public struct LossTerm: Sendable {
        public var kind: LossKind
        public var prediction: Int
        public var target: Target
    }

    public var values: [Value] = []
    public var applications: [Application] = []
    public var terms: [LossTerm] = []
    public var total: ScalarExpression = .constant(0)
    /// The value holding the data batch `x`, and the prior batch `z`, when the loss uses them.
    public var data: Int?
    public var prior: Int?

    /// Builds the plan of `phase`'s loss; `updated` names the networks whose weights it trains.
    ///
    /// With `fusingActivations`, an activation right after a dense or convolution layer runs inside
    /// that layer's output pass (same arithmetic, same bits, one pass fewer each way).
    public init(
        loss: LossExpression, updated: [String], model: ModelSummary, priorDimension: Int?,
        fusingActivations: Bool = true
    ) throws {
        var builder = Builder(
            model: model, updated: Set(updated), priorDimension: priorDimension, fusing: fusingActivations)
        let result = try builder.compile(loss)
        guard case .scalar(let total) = result else {
            throw Diagnostic(loss.origin, "the loss must be a number, not a batch")
        }
        self = builder.plan
        self.total = total
    }

    init() {}
}

extension PhasePlan {
    /// What a sub-expression compiles to.
    enum Operand {
        case tensor(Int)
        case scalar(ScalarExpression)
        case constant(Double)
    }

    struct Builder {
        let model: ModelSummary
        let updated: Set<String>
        let priorDimension: Int?
        let fusing: Bool
        var plan = PhasePlan()

        mutating func compile(_ expression: LossExpression) throws -> Operand {
            switch expression {
            case .number(let value, _): return .constant(value)
            case .variable(let name, let origin): return .tensor(try variable(name, origin))
            case .call(let name, let arguments, let origin):
                let operands = try arguments.map { try compile($0) }
                if let network = model.network(named: name) {
                    guard case .tensor(let input)? = operands.first else {
                        throw Diagnostic(origin, "network '\(name)' must be applied to a batch")
                    }
                    return .tensor(apply(network, to: input))
                }
                return .scalar(try loss(name, operands, origin))
            case .add(let a, let b, let origin): return try combine(a, b, origin) { .add($0, $1) }
            case .subtract(let a, let b, let origin): return try combine(a, b, origin) { .subtract($0, $1) }
            case .multiply(let a, let b, let origin): return try combine(a, b, origin) { .multiply($0, $1) }
            case .negate(let a, let origin):
                return .scalar(.negate(try scalar(try compile(a), origin)))
            }
        }

        mutating func variable(_ name: String, _ origin: Origin) throws -> Int {
            if name == "x", let data = plan.data { return data }
            if name == "z", let prior = plan.prior { return prior }
            let shape: SampleShape?
            switch name {
            case "x": shape = model.dataShape
            case "z": shape = priorDimension.map { [$0] }
            default: shape = nil
            }
            guard let shape else { throw Diagnostic(origin, "'\(name)' has no known shape") }
            let index = addValue(shape, root: nil, needsGradient: false)
            if name == "x" { plan.data = index } else { plan.prior = index }
            return index
        }

        mutating func addValue(_ shape: SampleShape, root: Int?, needsGradient: Bool) -> Int {
            let index = plan.values.count
            plan.values.append(Value(shape: shape, root: root ?? index, needsGradient: needsGradient))
            return index
        }

        mutating func apply(_ network: NetworkSummary, to input: Int) -> Int {
            var current = input
            let trains = updated.contains(network.name)
            for (index, summary) in network.layers.enumerated() {
                let layer = LayerRegistry.layer(for: summary.spec.kind)
                if fusing, index > 0, let activation = layer as? any ActivationLayer, fuse(activation, after: current) {
                    continue
                }
                let hasTrainable = summary.parameters.contains(where: \.trainable)
                let computes = trains && hasTrainable
                let inputValue = plan.values[current]
                let needs = computes || inputValue.needsGradient
                let output = addValue(summary.output, root: layer.isView ? inputValue.root : nil, needsGradient: needs)
                plan.applications.append(
                    Application(
                        network: network.name, layerIndex: index, layer: layer, input: current,
                        output: output, computesParameterGradients: computes))
                current = output
            }
            return current
        }

        /// Folds `activation` into the application that produced `value`, when that one can take it:
        /// the activation's output then lives in the producer's buffer. Only inside one network (the
        /// caller passes the previous layer's output), so the pre-activation has no other reader.
        mutating func fuse(_ activation: any ActivationLayer, after value: Int) -> Bool {
            guard let last = plan.applications.indices.last, plan.applications[last].output == value,
                plan.applications[last].layer is any FusesActivation, plan.applications[last].epilogue == .identity
            else { return false }
            plan.applications[last].epilogue = activation.activation
            return true
        }

        mutating func loss(_ name: String, _ operands: [Operand], _ origin: Origin) throws -> ScalarExpression {
            guard let function = LossFunction(rawValue: name), operands.count == 2,
                case .tensor(let prediction) = operands[0]
            else { throw Diagnostic(origin, "'\(name)' is not a loss of a prediction and a target") }
            let kind = LossKind(function)
            let target: Target
            switch operands[1] {
            case .tensor(let value):
                if plan.values[value].needsGradient, kind == .bce || kind == .bceLogits {
                    throw Diagnostic(origin, "the target of \(name) must not depend on a network this phase trains")
                }
                target = .value(value)
            case .constant(let value): target = .constant(Float(value))
            case .scalar: throw Diagnostic(origin, "the target of \(name) must be a batch or a constant")
            }
            plan.terms.append(LossTerm(kind: kind, prediction: prediction, target: target))
            return .term(plan.terms.count - 1)
        }

        mutating func combine(
            _ a: LossExpression, _ b: LossExpression, _ origin: Origin,
            _ make: (ScalarExpression, ScalarExpression) -> ScalarExpression
        ) throws -> Operand {
            let left = try compile(a), right = try compile(b)
            return .scalar(make(try scalar(left, origin), try scalar(right, origin)))
        }

        func scalar(_ operand: Operand, _ origin: Origin) throws -> ScalarExpression {
            switch operand {
            case .scalar(let s): return s
            case .constant(let value): return .constant(value)
            case .tensor: throw Diagnostic(origin, "a batch cannot be used as a number here")
            }
        }
    }
}

extension LossKind {
    /// The kernel for a spec's loss function.
    init(_ function: LossFunction) {
        switch function {
        case .mse: self = .mse
        case .sse: self = .sse
        case .l1: self = .l1
        case .bce: self = .bce
        case .bceLogits: self = .bceLogits
        }
    }
}
