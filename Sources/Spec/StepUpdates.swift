/// `train.updates`: when a step's phases change the weights.
public enum StepUpdates: String, Sendable, Equatable, CaseIterable {
    /// Each phase updates right after its own backward pass; the next phase sees the new weights.
    case inTurn = "in_turn"
    /// Every phase due at the step runs forward and backward from the weights the step started
    /// with, then every update is made: one forward pass for all the step's losses, as a PyTorch
    /// loop that calls every `backward()` before any `optimizer.step()` (pythae's coupled trainers).
    case together
}

extension SpecDecoder {
    func decodeStepUpdates(_ node: inout YAMLNode) -> (StepUpdates, Origin)? {
        let names = StepUpdates.allCases.map(\.rawValue)
        return scalars.choice(node, "train.updates", names).flatMap(StepUpdates.init).map { ($0, node.origin) }
    }

    /// Together, a network trained by two phases would need two gradients at once in its one
    /// gradient buffer, a phase repeated on a batch would need the weights its first update made,
    /// and every phase reads the step's one batch.
    func checkStepUpdates(_ train: TrainSpec, phases: [PhaseSpec]) {
        guard train.updates == .together else {
            for phase in phases {
                for call in Self.calls(named: "updated", in: phase.loss) {
                    log.error(
                        call.origin,
                        "in the loss: updated(…) reads the decisions every phase's when: makes after the step's "
                            + "forward passes; it needs train.updates: together")
                }
            }
            return
        }
        var trainer: [String: String] = [:]
        for phase in phases {
            if phase.repeats > 1 {
                log.error(
                    phase.origin,
                    "phase '\(phase.name)' repeats \(phase.repeats) times a batch, but train.updates: together "
                        + "(\(train.updatesOrigin.place)) updates every phase once from the step's weights; "
                        + "remove repeat or use train.updates: in_turn")
            }
            if phase.batches == .labeled {
                log.error(
                    phase.origin,
                    "phase '\(phase.name)' takes batches of its own (batches: labeled), but train.updates: "
                        + "together (\(train.updatesOrigin.place)) runs every phase on the step's batch")
            }
            for (network, origin) in phase.update {
                if let earlier = trainer[network] {
                    log.error(
                        origin,
                        "phases '\(earlier)' and '\(phase.name)' both update '\(network)', but with "
                            + "train.updates: together (\(train.updatesOrigin.place)) each network is trained by one phase"
                    )
                }
                trainer[network] = trainer[network] ?? phase.name
            }
        }
    }

    /// Every call of `name` in `expression`, outermost first.
    static func calls(named name: String, in expression: LossExpression) -> [LossExpression] {
        switch expression {
        case .number, .variable: return []
        case .call(let called, let arguments, _):
            return (called == name ? [expression] : []) + arguments.flatMap { calls(named: name, in: $0) }
        case .add(let a, let b, _), .subtract(let a, let b, _), .multiply(let a, let b, _):
            return calls(named: name, in: a) + calls(named: name, in: b)
        case .negate(let a, _), .select(let a, _, _), .keyword(_, let a, _): return calls(named: name, in: a)
        }
    }
}
