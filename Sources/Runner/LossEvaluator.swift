import Data
import Graph
import Kernels
import Spec

/// A phase's whole loss measured on a split in evaluation mode: the test ELBO of a VAE
/// (`784 * bce_logits(…) + kl_normal(…)`), which the reconstruction MSE alone does not tell.
///
/// It measures the model's objective (`ModelRoles.measuredPhase`: not an adversary's phase, whose
/// loss on held-out data says little). Random functions and prior samples draw from evaluation
/// streams restarted for every split; schedules take their value at the epoch's end.
final class LossEvaluator {
    let phase: String
    let program: PhaseProgram

    /// The evaluator for `model`'s first such phase, or nil when no phase has such a loss.
    static func make(
        _ spec: ExperimentSpec, model: ModelSummary, store: ParameterStore, capacity: Int, context: ExecutionContext
    ) throws -> LossEvaluator? {
        guard let index = model.roles.measuredPhase else { return nil }
        let phase = spec.phases[index]
        let program = try PhaseProgram(
            phase: phase, model: model, store: store, capacity: capacity, seed: spec.seed, training: false,
            context: context)
        return LossEvaluator(phase: phase.name, program: program)
    }

    init(phase: String, program: PhaseProgram) {
        self.phase = phase
        self.program = program
    }

    /// The reader of the mean loss per sample: after a batch's forward, its loss times its images.
    /// Schedules take the value `program.epoch` holds (`SplitReader.measure` sets it).
    var reader: SplitReader {
        SplitReader(measure: .loss, program: program) { [program] batch, _ in program.loss * Double(batch.count) }
    }
}
