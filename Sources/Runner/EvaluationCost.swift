import Graph
import Spec

/// What one image costs evaluation and training, counted from the layers' arithmetic (FLOPs per
/// sample of each plan), not timed: what `check`'s estimate of evaluation against training is
/// made of. A backward product is counted as much arithmetic as its forward one.
struct EvaluationCost: Sendable {
    /// Forward passes through an evaluation program per measured image.
    let passesPerImage: Int
    /// Their arithmetic, per measured image.
    let flopsPerImage: Double
    /// The discriminator probe's arithmetic per judged pair (a held-out code and a prior sample);
    /// 0 without an adversary.
    let probeFlops: Double
    /// One training image's steps through every phase, forward and backward (`repeat` and `every` counted).
    let trainingFlopsPerImage: Double

    init(_ spec: ExperimentSpec, model: ModelSummary) {
        let roles = model.roles
        var passes: [PhasePlan] = []
        if let measured = roles.measuredPhase {
            passes.append(PhasePlan(loss: model.phases[measured].resolved, updated: [], model: model))
        }
        let own = [
            roles.reconstruction.map { ($0.phase, $0.prediction) }, roles.classifierHead.map { ($0.phase, $0.logits) },
        ]
        for case let (phase, node)? in own where !EvaluationPlan.readsLossPass(phase: phase, roles) {
            passes.append(PhasePlan(computing: node, of: model.phases[phase].resolved, model: model))
        }
        passesPerImage = passes.count
        flopsPerImage = passes.reduce(0) { $0 + Double(Self.forward($1)) }
        if let critic = roles.critic, spec.prior != nil {
            let networks = (critic.chain + [critic.network, critic.network]).compactMap(model.network(named:))
            probeFlops = networks.reduce(0) { $0 + Double($1.flops) }
        } else {
            probeFlops = 0
        }
        trainingFlopsPerImage = zip(model.phases, spec.phases).reduce(0) { total, phase in
            let plan = PhasePlan(loss: phase.0.resolved, updated: phase.1.update.map(\.name), model: model)
            return total + Double(Self.step(plan) * phase.1.repeats) / Double(phase.1.every)
        }
    }

    /// One sample's forward pass through `plan`.
    static func forward(_ plan: PhasePlan) -> Int {
        plan.applications.reduce(0) { total, application in
            saturatingSum(total, flops(application, plan))
        }
    }

    /// One sample's training step through `plan`: its forward pass, then, for each layer whose
    /// output needs a gradient, the input's gradient where its input needs one and the parameters'
    /// where the phase trains them.
    static func step(_ plan: PhasePlan) -> Int {
        plan.applications.reduce(forward(plan)) { total, application in
            guard plan.values[application.output].needsGradient else { return total }
            let backward =
                (plan.values[application.input].needsGradient ? 1 : 0)
                + (application.computesParameterGradients ? 1 : 0)
            return saturatingSum(total, saturatingProduct([backward, flops(application, plan)]))
        }
    }

    private static func flops(_ application: PhasePlan.Application, _ plan: PhasePlan) -> Int {
        application.layer.flops(
            input: plan.values[application.input].shape, output: plan.values[application.output].shape)
    }
}
