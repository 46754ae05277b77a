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
        /// Rows per sample: a value computed from `k` draws of a posterior holds `k` rows for each
        /// sample of the batch, a sample's rows next to each other.
        public var draws = 1
        /// Set for a value whose rows do not follow the batch (`eye(50)` and what is computed from it).
        public var fixedRows: Int?

        /// The rows it holds for a batch.
        public var rows: RowCount { fixedRows.map { .fixed($0) } ?? .perSample(draws) }
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

    /// One term of the loss: a loss function comparing a prediction with a target, or a term
    /// function of batches (`kl_normal`, `mmd`, …).
    public enum Term: Sendable {
        case compare(LossTerm)
        case function(any TermFunction, inputs: [Int])
    }

    /// One built-in batch function applied to values; it runs before `applications[position]`.
    public struct FunctionApplication: Sendable {
        public var function: any BatchFunction
        public var inputs: [Int]
        public var output: Int
        public var position: Int
    }

    public var values: [Value] = []
    public var applications: [Application] = []
    public var functions: [FunctionApplication] = []
    public var terms: [Term] = []
    /// A short name of each term for curves: its function (`bce_logits`, `kl_normal`), with `#2`, `#3`
    /// after the first where one function appears more than once.
    public var termNames: [String] = []
    /// Each term as the spec writes it (`bce_logits(discriminator(z), 1)`), for legends.
    public var termTexts: [String] = []
    public var total: ScalarExpression = .constant(0)
    /// The value holding the data batch `x`, the prior batch `z` and the labels `y`, when the loss
    /// uses them.
    public var data: Int?
    public var prior: Int?
    public var labels: Int?
    /// The value a chain plan computes (`init(chain:over:model:)`); nil for a loss.
    public var output: Int?
    /// The value each batch node of a loss plan's resolved loss compiled to: where evaluation reads
    /// a reconstruction or a classifier's logits from the loss's own forward pass.
    public var nodeValues: [Int: Int] = [:]

    /// What a chain plan reads.
    public enum ChainInput: Sendable {
        /// Data batches of this sample shape, through `x`.
        case data(SampleShape)
        /// Latent vectors of this shape, through `z`.
        case latent(SampleShape)
    }

    /// Builds the plan of a phase's resolved loss; `updated` names the networks whose weights it trains.
    ///
    /// With `fusingActivations`, an activation right after a dense or convolution layer runs inside
    /// that layer's output pass (same arithmetic, same bits, one pass fewer each way).
    public init(loss: ResolvedLoss, updated: [String], model: ModelSummary, fusingActivations: Bool = true) {
        var builder = Builder(loss: loss, model: model, updated: Set(updated), fusing: fusingActivations)
        let total = builder.scalar(builder.compile(loss.root))
        self = builder.plan
        self.total = total
        nodeValues = builder.compiled.compactMapValues { operand in
            if case .tensor(let value) = operand { return value }
            return nil
        }
    }

    /// The forward pass of `networks` (innermost first) over the data batch or a latent batch, with
    /// no loss and no gradient: what evaluation and the outputs run.
    public init(chain networks: [String], over input: ChainInput, model: ModelSummary) {
        var builder = Builder(loss: nil, model: model, updated: [], fusing: true)
        var current: Int
        switch input {
        case .data(let shape): current = builder.input(data: true, shape)
        case .latent(let shape): current = builder.input(data: false, shape)
        }
        for name in networks {
            guard let network = model.network(named: name) else { preconditionFailure("no network '\(name)'") }
            current = builder.apply(network, to: current)
            if let head = network.heads.first, case let width = network.output.elementCount, head.size < width {
                // Outside a loss a network with named outputs gives its first one (`codeShape`).
                let output = builder.addValue([head.size], root: nil, needsGradient: false)
                builder.plan.functions.append(
                    FunctionApplication(
                        function: OutputHead(name: head.name, offset: 0, count: head.size, width: width),
                        inputs: [current], output: output, position: builder.plan.applications.count))
                current = output
            }
        }
        self = builder.plan
        output = current
    }

    /// The forward pass that computes `node` of `loss` (a batch), with no loss and no gradient:
    /// how evaluation runs a reconstruction that is more than a chain of networks.
    public init(computing node: Int, of loss: ResolvedLoss, model: ModelSummary) {
        var builder = Builder(loss: loss, model: model, updated: [], fusing: true)
        guard case .tensor(let value) = builder.compile(node) else {
            preconditionFailure("node \(node) is not a batch")
        }
        self = builder.plan
        output = value
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
        let loss: ResolvedLoss?
        let model: ModelSummary
        let updated: Set<String>
        let fusing: Bool
        var plan = PhasePlan()
        /// What each node compiled to: a node read twice is computed once.
        var compiled: [Int: Operand] = [:]

        /// Compiles the node (and what it reads) into values, applications and loss terms, once.
        mutating func compile(_ index: Int) -> Operand {
            if let done = compiled[index] { return done }
            let operand = compileOnce(index)
            compiled[index] = operand
            return operand
        }

        private mutating func compileOnce(_ index: Int) -> Operand {
            guard let node = loss?.nodes[index] else { preconditionFailure("a chain plan has no loss") }
            switch node.operation {
            case .data, .prior:
                guard case .batch(let shape) = node.value else { preconditionFailure("x or z is not a batch") }
                return .tensor(input(data: node.operation == .data, shape))
            case .labels:
                if let existing = plan.labels { return .tensor(existing) }
                plan.labels = addValue([1], root: nil, needsGradient: false)
                return .tensor(plan.labels!)
            case .schedule, .phaseUpdated: return .scalar(factor(node.operation))
            case .function(let applied):
                var inputs = applied.inputs.map { input -> Int in
                    guard case .tensor(let value) = compile(input) else {
                        preconditionFailure("a function of a number")
                    }
                    return value
                }
                guard case .batch(let shape) = node.value else { preconditionFailure("a function made no batch") }
                var function = applied.function
                // input_gradient's value is a constant of the loss: nothing flows back through it.
                if function is InputGradient {
                    (function, inputs) = inputGradient(of: inputs[0], over: inputs[1], seed: inputs[2])
                }
                let output = addValue(
                    shape, root: nil,
                    needsGradient: !(function is InputGradient) && inputs.contains { plan.values[$0].needsGradient },
                    draws: node.draws, fixedRows: node.fixedRows)
                plan.functions.append(
                    FunctionApplication(
                        function: function, inputs: inputs, output: output, position: plan.applications.count))
                return .tensor(output)
            case .term(let applied): return compileTerm(applied, text: node.text)
            case .constant(let value): return .constant(value)
            case .network(let name, let input):
                guard case .tensor(let value) = compile(input), let network = model.network(named: name) else {
                    preconditionFailure("network '\(name)' resolved without a batch or a summary")
                }
                return .tensor(apply(network, to: value))
            case .loss(let function, let prediction, let target):
                guard case .tensor(let predicted) = compile(prediction) else {
                    preconditionFailure("a loss resolved without a batch to predict")
                }
                let term: Target
                switch compile(target) {
                case .tensor(let value): term = .value(value)
                case .constant(let value): term = .constant(Float(value))
                case .scalar: preconditionFailure("a loss resolved with a number as its target")
                }
                plan.terms.append(.compare(LossTerm(kind: LossKind(function), prediction: predicted, target: term)))
                nameTerm(node.text)
                return .scalar(.term(plan.terms.count - 1))
            case .add(let a, let b): return .scalar(.add(scalar(compile(a)), scalar(compile(b))))
            case .subtract(let a, let b): return .scalar(.subtract(scalar(compile(a)), scalar(compile(b))))
            case .multiply(let a, let b): return .scalar(.multiply(scalar(compile(a)), scalar(compile(b))))
            case .negate(let a): return .scalar(.negate(scalar(compile(a))))
            case .absolute(let a): return .scalar(.absolute(scalar(compile(a))))
            }
        }

        /// A term function over its compiled inputs; `gradient_penalty` is planned on the layer
        /// applications it differentiates.
        private mutating func compileTerm(_ applied: ResolvedLoss.AppliedTerm, text: String) -> Operand {
            var inputs = applied.inputs.map { input -> Int in
                guard case .tensor(let value) = compile(input) else { preconditionFailure("a term of a number") }
                return value
            }
            var function = applied.function
            if function is GradientPenalty { (function, inputs) = gradientPenalty(of: inputs[0], over: inputs[1]) }
            plan.terms.append(.function(function, inputs: inputs))
            nameTerm(text)
            return .scalar(.term(plan.terms.count - 1))
        }

        /// A factor that reads no batch: a schedule, or whether a phase updates at the step.
        func factor(_ operation: ResolvedLoss.Operation) -> ScalarExpression {
            switch operation {
            case .schedule(let schedule): return .schedule(schedule)
            case .phaseUpdated(let phase): return .updated(phase)
            default: preconditionFailure("\(operation) is not a factor")
            }
        }

        /// Names the term just added after the function its text calls.
        mutating func nameTerm(_ text: String) {
            let function = String(text.prefix { $0 != "(" })
            let earlier = plan.termNames.filter { $0 == function || $0.hasPrefix(function + "#") }.count
            plan.termNames.append(earlier == 0 ? function : "\(function)#\(earlier + 1)")
            plan.termTexts.append(text)
        }

        /// The value of `x` (`data`) or `z`, made at its first use: every use reads the same batch.
        mutating func input(data: Bool, _ shape: SampleShape) -> Int {
            if data, let existing = plan.data { return existing }
            if !data, let existing = plan.prior { return existing }
            let index = addValue(shape, root: nil, needsGradient: false)
            if data { plan.data = index } else { plan.prior = index }
            return index
        }

        mutating func addValue(
            _ shape: SampleShape, root: Int?, needsGradient: Bool, draws: Int = 1, fixedRows: Int? = nil
        ) -> Int {
            let index = plan.values.count
            plan.values.append(
                Value(
                    shape: shape, root: root ?? index, needsGradient: needsGradient, draws: draws, fixedRows: fixedRows)
            )
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
                let output = addValue(
                    summary.output, root: layer.isView ? inputValue.root : nil, needsGradient: needs,
                    draws: inputValue.draws, fixedRows: inputValue.fixedRows)
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

        func scalar(_ operand: Operand) -> ScalarExpression {
            switch operand {
            case .scalar(let s): return s
            case .constant(let value): return .constant(value)
            case .tensor: preconditionFailure("a batch resolved as a number")
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
