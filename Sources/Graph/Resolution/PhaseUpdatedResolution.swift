import Spec

/// `updated(phase)`: a factor of a loss that is 1 when `phase` updates at this step and 0 when its
/// `when:` holds it back. It writes a PyTorch loop whose optimizers keep each loss's gradient
/// until their own `zero_grad()`: pythae's VAEGAN decoder steps on its loss plus the
/// discriminator's whenever the discriminator updates too, `… + updated(discriminator) * (…)`.
/// Every gate of a step is decided after all of its forward passes, so it needs
/// `train.updates: together` (the spec check says so); a measured loss counts it 1.
extension ShapeInference {
    /// The name a loss calls it by.
    static let phaseUpdatedName = "updated"

    mutating func phaseUpdated(
        _ arguments: [LossExpression], _ origin: Origin, _ expression: LossExpression, _ walk: inout Walk
    ) -> Partial? {
        let phases = context.phases.map(\.name)
        guard arguments.count == 1, case .variable(let name, let place) = arguments[0] else {
            log.error(origin, "in the loss: updated takes the name of one phase, as in updated(discriminator)")
            return nil
        }
        guard let index = phases.firstIndex(of: name) else {
            log.error(place, "in the loss: updated(\(name)) names no phase\(NearestName.hint(name, in: phases))")
            return nil
        }
        return .scalar(walk.add(.phaseUpdated(index), .scalar, .init(), expression))
    }
}
