import Spec

/// The one walk of a loss as written: binds its names, classifies every sub-expression (a batch, a
/// number computed from batches, a constant), resolves batch shapes (inferring a network's input
/// from the first batch it is applied to), records dependencies, folds constants, and reports
/// every rule it breaks at the place of the offending sub-expression.
extension ShapeInference {
    /// A sub-expression as far as it resolved: its class, and its node once everything below it
    /// resolved (nil when a problem below was already reported).
    enum Partial {
        case batch(Int?)
        case scalar(Int?)
        case constant(Double)
    }

    /// The walk of one phase: the nodes made so far and the names its loss calls.
    struct Walk {
        let phase: PhaseSpec
        var nodes: [ResolvedLoss.Node] = []
        var called: Set<String> = []

        mutating func add(
            _ operation: ResolvedLoss.Operation, _ value: ResolvedLoss.Value, _ dependencies: ResolvedLoss.Dependencies,
            _ expression: LossExpression, draws: Int = 1, fixedRows: Int? = nil
        ) -> Int {
            // The same sub-expression written twice is one value: `encoder(x).mu` and
            // `encoder(x).logvar` apply the encoder once, and one `sample_normal(…)` is one draw.
            if let existing = nodes.firstIndex(where: { $0.operation == operation }) { return existing }
            nodes.append(
                ResolvedLoss.Node(
                    operation: operation, value: value, dependencies: dependencies, origin: expression.origin,
                    text: expression.text, draws: draws, fixedRows: fixedRows))
            return nodes.count - 1
        }
    }

    var lossNames: [String] { LossFunctionCatalogue.names }
    /// Every network the spec declares, whether or not it decoded.
    var networkNames: [String] {
        context.networks.map(\.name)
            + context.undecoded.filter { $0 != "z" && context.network(named: $0) == nil }.sorted()
    }

    /// Resolves `phase`'s loss; nil when it breaks a rule (reported).
    mutating func resolve(_ phase: PhaseSpec) -> ResolvedLoss? {
        var walk = Walk(phase: phase)
        for value in phase.values where networkNames.contains(value.name) {
            log.error(
                value.origin, "value name '\(value.name)' is the name of a network; give the value a name of its own")
        }
        if phase.batches == .labeled, labeled == false {
            log.error(phase.origin, "phase '\(phase.name)' trains on `batches: labeled`, but the data has no labels")
        }
        let result = resolve(phase.loss, &walk)
        for (name, origin) in phase.update where networkNames.contains(name) && !walk.called.contains(name) {
            log.error(origin, "phase '\(phase.name)' updates '\(name)', but its loss does not use '\(name)'")
        }
        switch result {
        case .batch?:
            log.error(
                phase.loss.origin,
                "the loss of phase '\(phase.name)' is a batch, not a number: wrap it in a loss such as mse(…, x)")
        case .constant?:
            log.error(
                phase.loss.origin, "the loss of phase '\(phase.name)' is a constant; it must call a loss function")
        case .scalar(let root?)?:
            return ResolvedLoss(nodes: walk.nodes, root: root)
        case .scalar(nil)?, nil: break
        }
        return nil
    }

    private mutating func resolve(_ expression: LossExpression, _ walk: inout Walk) -> Partial? {
        switch expression {
        case .number(let value, _): return .constant(value)
        case .variable(let name, let origin): return variable(name, origin, expression, &walk)
        case .call(let name, let arguments, let origin):
            if name == Self.phaseUpdatedName, context.network(named: name) == nil {
                return phaseUpdated(arguments, origin, expression, &walk)
            }
            walk.called.insert(name)
            // A named argument's value is resolved as itself; only a built-in function takes one.
            let values = arguments.map { argument -> Partial? in
                if case .keyword(_, let value, _) = argument { return resolve(value, &walk) }
                return resolve(argument, &walk)
            }
            if BuiltinFunction(rawValue: name) == nil,
                let keyword = arguments.first(where: { if case .keyword = $0 { true } else { false } })
            {
                log.error(keyword.origin, "in the loss: \(name) takes no named arguments")
                return nil
            }
            // A network that did not decode (reported) gives a batch of unknown shape.
            if context.network(named: name) == nil, context.undecoded.contains(name) { return .batch(nil) }
            if let network = context.network(named: name) {
                return apply(network, arguments, values, origin, expression, &walk)
            }
            if let builtin = BuiltinFunction(rawValue: name) {
                return call(builtin, arguments, values, origin, expression, &walk)
            }
            guard let function = LossFunction(rawValue: name) else {
                log.error(
                    origin,
                    "in the loss: unknown network or function '\(name)'\(NearestName.hint(name, in: networkNames + lossNames))"
                )
                return nil
            }
            return loss(function, arguments, values, origin, expression, &walk)
        case .select(let base, let head, let origin):
            return select(head, of: base, resolve(base, &walk), origin, expression, &walk)
        case .keyword(let name, _, let origin):
            log.error(origin, "in the loss: '\(name): …' names an argument, which only a function such as ramp takes")
            return nil
        case .add(let a, let b, _): return arithmetic(a, b, expression, &walk, +) { .add($0, $1) }
        case .subtract(let a, let b, _): return arithmetic(a, b, expression, &walk, -) { .subtract($0, $1) }
        case .multiply(let a, let b, _): return arithmetic(a, b, expression, &walk, *) { .multiply($0, $1) }
        case .negate(let a, _):
            let value = resolve(a, &walk)
            if case .batch = value { return scaled(value, by: -1, expression, &walk) }
            switch number(value, a) {
            case .constant(let value)?: return .constant(-value)
            case .scalar(let node?)?:
                let dependencies = walk.nodes[node].dependencies
                return .scalar(walk.add(.negate(node), .scalar, dependencies, expression))
            case .scalar(nil)?: return .scalar(nil)
            case .batch?, nil: return nil
            }
        }
    }

    private mutating func variable(
        _ name: String, _ origin: Origin, _ expression: LossExpression, _ walk: inout Walk
    ) -> Partial? {
        switch name {
        case "x":
            return .batch(dataShape.map { walk.add(.data, .batch($0), .init(), expression) })
        case "z":
            if context.undecoded.contains("z") { return .batch(nil) }  // the prior's problems are reported
            guard let prior = context.prior else {
                log.error(origin, "in the loss: z is a batch from the prior, but the spec has no 'prior:'")
                return .batch(nil)
            }
            return .batch(walk.add(.prior, .batch([prior.dimension]), .init(), expression))
        case "y":
            if labeled == false {
                log.error(origin, "in the loss: y is the batch's class labels, but the data has none")
                return .batch(nil)
            }
            if let kept = context.labeledImages, walk.phase.batches != .labeled {
                log.error(
                    origin,
                    "in the loss: y is known for only \(kept) training images (data.labeled); give phase '\(walk.phase.name)' `batches: labeled` to train it on them"
                )
                return .batch(nil)
            }
            return .batch(walk.add(.labels, .batch([1]), .init(), expression))
        default:
            if networkNames.contains(name) {
                log.error(origin, "in the loss: network '\(name)' must be applied to a batch, e.g. \(name)(x)")
            } else if lossNames.contains(name) {
                log.error(
                    origin,
                    "in the loss: '\(name)' needs a prediction and a target, e.g. \(name)(decoder(encoder(x)), x)")
            } else {
                log.error(
                    origin,
                    "in the loss: unknown name '\(name)'; x is the data batch, y its labels and z a prior batch\(NearestName.hint(name, in: ["x", "y", "z"] + networkNames + walk.phase.values.map(\.name)))"
                )
            }
            return nil
        }
    }

    private mutating func apply(
        _ network: NetworkSpec, _ arguments: [LossExpression], _ values: [Partial?], _ origin: Origin,
        _ expression: LossExpression, _ walk: inout Walk
    ) -> Partial? {
        guard arguments.count == 1 else {
            log.error(
                origin, "in the loss: network '\(network.name)' takes one batch; found \(arguments.count) arguments")
            return nil
        }
        switch values[0] {
        case nil: return nil
        case .scalar?, .constant?:
            log.error(
                arguments[0].origin,
                "in the loss: network '\(network.name)' must be applied to a batch such as x, z or another network's output; found a number"
            )
            return nil
        case .batch(nil)?: return .batch(nil)
        case .batch(let input?)? where walk.nodes[input].operation == .labels:
            log.error(
                arguments[0].origin,
                "in the loss: y holds class indices; give network '\(network.name)' onehot(y) or concat(…, onehot(y))")
            return nil
        case .batch(let input?)?:
            guard case .batch(let shape) = walk.nodes[input].value,
                let output = applyShape(network, to: shape, describedAs: arguments[0].text, at: origin)
            else { return .batch(nil) }
            var dependencies = walk.nodes[input].dependencies
            dependencies.networks.insert(network.name)
            if walk.phase.update.contains(where: { $0.name == network.name }),
                summaries[network.name]?.parameterCount ?? 0 > 0
            {
                dependencies.trained = true
            }
            return .batch(
                walk.add(
                    .network(network.name, input: input), .batch(output), dependencies, expression,
                    draws: walk.nodes[input].draws, fixedRows: walk.nodes[input].fixedRows))
        }
    }

    private mutating func loss(
        _ function: LossFunction, _ arguments: [LossExpression], _ values: [Partial?], _ origin: Origin,
        _ expression: LossExpression, _ walk: inout Walk
    ) -> Partial? {
        let name = function.rawValue
        guard arguments.count == 2 else {
            log.error(
                origin, "in the loss: \(name) takes a prediction and a target; found \(arguments.count) arguments")
            return nil
        }
        switch values[0] {
        case .scalar?, .constant?:
            log.error(
                arguments[0].origin, "in the loss: the prediction of \(name) must be a batch, e.g. decoder(encoder(x))")
            return nil
        default: break
        }
        if case .scalar? = values[1] {
            log.error(arguments[1].origin, "in the loss: the target of \(name) must be a batch or a constant such as 1")
            return nil
        }
        guard case .batch(let prediction)? = values[0], let target = values[1] else { return nil }
        guard let prediction else { return .scalar(nil) }
        if case .batch(let node?) = target, walk.nodes[node].operation == .labels {
            log.error(
                arguments[1].origin,
                "in the loss: \(name) compares with a batch of values; for class labels use cross_entropy(logits, y), or onehot(y)"
            )
            return .scalar(nil)
        }
        let targetNode: Int
        switch target {
        case .constant(let value): targetNode = walk.add(.constant(value), .constant(value), .init(), arguments[1])
        case .batch(let node?): targetNode = node
        case .batch(nil), .scalar: return .scalar(nil)
        }
        let (p, t) = (walk.nodes[prediction], walk.nodes[targetNode])
        guard comparable(p, t, name, arguments, origin) else { return .scalar(nil) }
        // The kernels differentiate a cross-entropy only in its prediction.
        if t.dependencies.trained, function == .bce || function == .bceLogits {
            let trained = t.dependencies.networks.filter { name in walk.phase.update.contains { $0.name == name } }
            log.error(
                arguments[1].origin,
                "in the loss: the target of \(name) must not depend on a network this phase trains "
                    + "(\(trained.sorted().joined(separator: ", "))); use a constant such as 1 or 0, or a batch "
                    + "no trained network computes")
            return .scalar(nil)
        }
        let node = walk.add(
            .loss(function, prediction: prediction, target: targetNode), .scalar,
            p.dependencies.union(t.dependencies), expression)
        return .scalar(node)
    }

    /// Whether a loss function can compare `p` with `t` value by value; reports why not.
    private func comparable(
        _ p: ResolvedLoss.Node, _ t: ResolvedLoss.Node, _ name: String, _ arguments: [LossExpression], _ origin: Origin
    ) -> Bool {
        if case .batch(let predicted) = p.value, case .batch(let wanted) = t.value, predicted != wanted {
            log.error(
                origin,
                "\(name) compares batches of the same shape, but \(arguments[0].text) is \(predicted.shapeText) and \(arguments[1].text) is \(wanted.shapeText)"
            )
            return false
        }
        if case .batch = t.value, p.draws != t.draws {
            log.error(
                origin,
                "in the loss: \(name) compares batches row by row, but \(arguments[0].text) has \(p.draws) draws per sample and \(arguments[1].text) \(t.draws); weigh draws with log_bernoulli_logits(…) and logmeanexp(…)"
            )
            return false
        }
        if case .batch = t.value, p.fixedRows != t.fixedRows {
            log.error(
                origin,
                "in the loss: \(name) compares batches row by row, but \(arguments[0].text) has \(p.rows) and \(arguments[1].text) \(t.rows)"
            )
            return false
        }
        return true
    }

    private mutating func arithmetic(
        _ a: LossExpression, _ b: LossExpression, _ expression: LossExpression, _ walk: inout Walk,
        _ fold: (Double, Double) -> Double, _ make: (Int, Int) -> ResolvedLoss.Operation
    ) -> Partial? {
        let (leftValue, rightValue) = (resolve(a, &walk), resolve(b, &walk))
        if leftValue.isBatch || rightValue.isBatch {
            return batchArithmetic(leftValue, rightValue, a, b, expression, &walk)
        }
        let left = number(leftValue, a), right = number(rightValue, b)
        guard let left, let right else { return nil }
        if case .constant(let x) = left, case .constant(let y) = right { return .constant(fold(x, y)) }
        guard let l = node(left, a, &walk), let r = node(right, b, &walk) else { return .scalar(nil) }
        let dependencies = walk.nodes[l].dependencies.union(walk.nodes[r].dependencies)
        return .scalar(walk.add(make(l, r), .scalar, dependencies, expression))
    }

    /// The node of a number operand, making one for a constant.
    private func node(_ operand: Partial, _ expression: LossExpression, _ walk: inout Walk) -> Int? {
        switch operand {
        case .constant(let value): return walk.add(.constant(value), .constant(value), .init(), expression)
        case .scalar(let node): return node
        case .batch: return nil
        }
    }

    /// `value` when it is a number; reports a batch used as one.
    private func number(_ value: Partial?, _ expression: LossExpression) -> Partial? {
        if case .batch? = value {
            log.error(
                expression.origin,
                "in the loss: '\(expression.text)' is a batch, not a number; put it inside a loss such as mse(…)")
            return nil
        }
        return value
    }

    /// When a file source's sample shape is unknown until run time, `x` takes the declared input of
    /// the first network applied to it.
    func inputOfFirstNetworkAppliedToX() -> SampleShape? {
        for phase in context.phases {
            if let name = firstNetworkApplied(to: "x", in: phase.loss), let input = context.network(named: name)?.input
            {
                return input
            }
        }
        return nil
    }

    private func firstNetworkApplied(to variable: String, in expression: LossExpression) -> String? {
        switch expression {
        case .call(let name, let args, _):
            if args.count == 1, case .variable(variable, _) = args[0] { return name }
            return args.lazy.compactMap { firstNetworkApplied(to: variable, in: $0) }.first
        case .add(let a, let b, _), .subtract(let a, let b, _), .multiply(let a, let b, _):
            return firstNetworkApplied(to: variable, in: a) ?? firstNetworkApplied(to: variable, in: b)
        case .negate(let a, _), .select(let a, _, _), .keyword(_, let a, _):
            return firstNetworkApplied(to: variable, in: a)
        case .number, .variable: return nil
        }
    }
}
