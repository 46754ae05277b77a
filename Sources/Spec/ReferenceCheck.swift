/// Checks that the names a spec uses refer to something, and that every loss is a number.
///
/// Shapes are the graph's business; this is everything that can be decided from names alone: calls
/// of unknown networks or losses, tensors used as numbers, a phase that updates a network its loss
/// does not use, a network no phase updates, outputs that name missing networks or phases.
struct ReferenceCheck {
    let networks: [NetworkSpec]
    let phases: [PhaseSpec]
    let prior: PriorSpec?
    let outputs: [OutputSpec]
    let log: DiagnosticLog
    /// False when some phase could not be read: then an unused-looking network may be used by it.
    var allPhasesRead = true

    /// What a sub-expression evaluates to.
    enum Value { case batch, scalar, constant }

    var networkNames: [String] { networks.map(\.name) }
    var lossNames: [String] { LossFunction.allCases.map(\.rawValue) }

    func run() {
        var updated = Set<String>()
        var misnamed = false
        for phase in phases {
            if let value = evaluate(phase.loss) {
                if value == .batch {
                    log.error(
                        phase.loss.origin,
                        "the loss of phase '\(phase.name)' is a batch, not a number: wrap it in a loss such as mse(…, x)"
                    )
                } else if value == .constant {
                    log.error(
                        phase.loss.origin,
                        "the loss of phase '\(phase.name)' is a constant; it must call a loss function")
                }
            }
            let used = Set(phase.loss.calls.map(\.name))
            for (name, origin) in phase.update {
                if !networkNames.contains(name) {
                    misnamed = true
                    log.error(
                        origin,
                        "phase '\(phase.name)' updates '\(name)', which is not a network\(NearestName.hint(name, in: networkNames))"
                    )
                } else if !used.contains(name) {
                    log.error(origin, "phase '\(phase.name)' updates '\(name)', but its loss does not use '\(name)'")
                }
                updated.insert(name)
            }
        }
        // A misspelt update name already explains why its network looks unused.
        for network in networks where allPhasesRead && !misnamed && !updated.contains(network.name) {
            log.error(
                network.origin,
                "network '\(network.name)' is not updated by any phase; name it in a phase's update list")
        }
        checkOutputs()
    }

    private func checkOutputs() {
        let phaseNames = phases.map(\.name)
        for output in outputs {
            for name in output.networks where !networkNames.contains(name) {
                log.error(
                    output.origin,
                    "an output uses network '\(name)', which the spec does not declare\(NearestName.hint(name, in: networkNames))"
                )
            }
            if case .curves(let phases) = output.kind {
                for name in phases where !phaseNames.contains(name) {
                    log.error(
                        output.origin,
                        "curves names phase '\(name)', which the spec does not declare\(NearestName.hint(name, in: phaseNames))"
                    )
                }
            }
        }
    }

    private func evaluate(_ expression: LossExpression) -> Value? {
        switch expression {
        case .number: return .constant
        case .variable(let name, let origin): return variable(name, origin)
        case .call(let name, let arguments, let origin): return call(name, arguments, origin)
        case .add(let a, let b, _), .subtract(let a, let b, _), .multiply(let a, let b, _):
            let left = evaluate(a), right = evaluate(b)
            guard number(left, a), number(right, b), let left, let right else { return nil }
            return left == .constant && right == .constant ? .constant : .scalar
        case .negate(let a, _):
            let value = evaluate(a)
            return number(value, a) ? value : nil
        }
    }

    private func number(_ value: Value?, _ expression: LossExpression) -> Bool {
        if value == .batch {
            log.error(
                expression.origin,
                "in the loss: '\(expression.text)' is a batch, not a number; put it inside a loss such as mse(…)")
            return false
        }
        return value != nil
    }

    private func variable(_ name: String, _ origin: Origin) -> Value? {
        switch name {
        case "x": return .batch
        case "z":
            if prior == nil {
                log.error(origin, "in the loss: z is a batch from the prior, but the spec has no 'prior:'")
            }
            return .batch
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
                    "in the loss: unknown name '\(name)'; x is the data batch and z a prior batch\(NearestName.hint(name, in: ["x", "z"] + networkNames))"
                )
            }
            return nil
        }
    }

    private func call(_ name: String, _ arguments: [LossExpression], _ origin: Origin) -> Value? {
        let values = arguments.map(evaluate)
        if networkNames.contains(name) {
            guard arguments.count == 1 else {
                log.error(origin, "in the loss: network '\(name)' takes one batch; found \(arguments.count) arguments")
                return nil
            }
            if let value = values[0], value != .batch {
                log.error(
                    arguments[0].origin,
                    "in the loss: network '\(name)' must be applied to a batch such as x, z or another network's output; found a number"
                )
                return nil
            }
            return values[0] == nil ? nil : .batch
        }
        guard lossNames.contains(name) else {
            log.error(
                origin,
                "in the loss: unknown network or loss '\(name)'\(NearestName.hint(name, in: networkNames + lossNames))")
            return nil
        }
        guard arguments.count == 2 else {
            log.error(
                origin, "in the loss: \(name) takes a prediction and a target; found \(arguments.count) arguments")
            return nil
        }
        if let first = values[0], first != .batch {
            log.error(
                arguments[0].origin, "in the loss: the prediction of \(name) must be a batch, e.g. decoder(encoder(x))")
            return nil
        }
        if values[1] == .scalar {
            log.error(arguments[1].origin, "in the loss: the target of \(name) must be a batch or a constant such as 1")
            return nil
        }
        return values.contains(where: { $0 == nil }) ? nil : .scalar
    }
}
