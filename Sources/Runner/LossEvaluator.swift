import Data
import Graph
import Kernels
import Spec

/// A phase's whole loss measured on a split in evaluation mode: the test ELBO of a VAE
/// (`784 * bce_logits(…) + kl_normal(…)`), which the reconstruction MSE alone does not tell.
///
/// It measures the first phase whose loss is more than one reconstruction term and reads no prior
/// batch (an adversarial phase's loss on held-out data says little). Random functions draw from
/// one evaluation stream, restarted for every split; schedules take their value at the epoch's end.
final class LossEvaluator {
    let phase: String
    let program: PhaseProgram
    let seed: UInt64

    /// The evaluator for `model`'s first such phase, or nil when no phase has such a loss.
    static func make(
        _ spec: ExperimentSpec, model: ModelSummary, store: ParameterStore, capacity: Int, context: ExecutionContext
    ) throws -> LossEvaluator? {
        guard let index = model.roles.measuredPhase else { return nil }
        let phase = spec.phases[index]
        let program = try PhaseProgram(
            phase: phase, model: model, store: store, capacity: capacity, seed: spec.seed, training: false,
            context: context)
        return LossEvaluator(phase: phase.name, program: program, seed: spec.seed)
    }

    init(phase: String, program: PhaseProgram, seed: UInt64) {
        self.phase = phase
        self.program = program
        self.seed = seed
    }

    /// The mean loss per sample over every image of `split`, after `epoch` epochs of training.
    func meanLoss(_ split: LabeledImages, epoch: Double) throws -> Double {
        program.epoch = epoch
        var total = 0.0
        try program.evaluate(split, Array(0..<split.count), seed: seed) { batch in
            total += program.loss * Double(batch.count)
        }
        return total / Double(max(split.count, 1))
    }
}
