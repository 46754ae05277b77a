import Spec

/// A phase's `when:` bound to its plan: each comparison reads the term's value by its index in
/// the plan's terms, so the decision costs no more than the forward pass already computed.
public struct UpdateGate: Sendable {
    struct Comparison: Sendable {
        var term: Int
        var relation: UpdateCondition.Relation
        var bound: Double
    }

    var clauses: [[Comparison]]

    /// The gate of `condition` over `plan`'s terms; nil when a compared term is not one of them
    /// (the spec check refuses such a condition first).
    public init?(_ condition: UpdateCondition, plan: PhasePlan) {
        var clauses: [[Comparison]] = []
        for written in condition.clauses {
            var clause: [Comparison] = []
            for comparison in written {
                guard let term = plan.termTexts.firstIndex(of: comparison.term.text) else { return nil }
                clause.append(Comparison(term: term, relation: comparison.relation, bound: comparison.bound))
            }
            clauses.append(clause)
        }
        self.clauses = clauses
    }

    /// Whether terms of these values allow the update.
    public func allows(_ termValues: [Double]) -> Bool {
        clauses.contains { clause in clause.allSatisfy { $0.relation.holds(termValues[$0.term], $0.bound) } }
    }
}

extension PhaseProgram {
    /// A step's forward pass, with its prior draw, and its gate's decision (`updatedLastStep`):
    /// the first part of a step taken together with other phases (`train.updates: together`).
    @discardableResult
    public func forwardStep(batch: Int, sampler: inout PriorSampler?) -> Double {
        if prior != nil, sampler != nil { samplePrior(batch: batch, sampler: &sampler!) }
        let loss = forward(batch: batch)
        updatedLastStep = gate?.allows(termValues) ?? true
        return loss
    }

    /// The loss of the last `forwardStep` with `updates`, the decisions of every phase of the step,
    /// in its `updated(…)` factors; what `backwardStep` then differentiates.
    public func settle(updates: [Bool]) -> Double {
        phaseUpdates = updates
        loss = plan.total.value(termValues, epoch: epoch, updates: updates)
        return loss
    }

    /// The gradients of the last `forwardStep`, when its gate let it update, with no weight
    /// changed: every phase of a step taken together differentiates the step's weights.
    public func backwardStep() {
        guard updatedLastStep else { return }
        for gradient in unwrittenGradients { gradient.zero() }
        optimizer.beginStep()
        backward(updating: false)
        optimizer.clipGradients()
    }

    /// The update of the gradients `backwardStep` wrote, when its gate let it update.
    public func applyStep() {
        guard updatedLastStep else { return }
        optimizer.update(Array(optimizer.parameters.indices))
    }
}
