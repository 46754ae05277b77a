import Data
import Graph
import Kernels
import Spec

/// The accuracy of a classifier head on every split: the fraction of images whose largest logit is
/// their label, for the logits of the first `cross_entropy(logits, y)` whose logits are computed
/// from `x` (`cross_entropy(classifier(encoder(x)), y)`). Where the logits are a node of the
/// measured phase's loss, they are read from that loss's own pass. Random functions draw from the
/// evaluation stream, restarted for every split.
final class ClassifierEvaluator {
    let program: PhaseProgram
    let logits: Int
    let classes: Int

    /// The evaluator of the first classifier head, or nil when no loss has one; it reads
    /// `measured`'s pass when `EvaluationPlan.readsLossPass(.accuracy, …)`.
    static func make(
        _ model: ModelSummary, store: ParameterStore, capacity: Int, seed: UInt64, measured: LossEvaluator?,
        context: ExecutionContext
    ) throws -> ClassifierEvaluator? {
        guard let head = model.roles.classifierHead else { return nil }
        let (program, logits) = try PhaseProgram.reading(
            head.logits, phase: head.phase, measured: measured?.program, model: model, store: store,
            capacity: capacity, seed: seed, context: context)
        return ClassifierEvaluator(program: program, logits: logits, classes: head.classes)
    }

    init(program: PhaseProgram, logits: Int, classes: Int) {
        self.program = program
        self.logits = logits
        self.classes = classes
    }

    /// The reader of the fraction of images classified as their label: after a batch's forward,
    /// how many of its images are.
    var reader: SplitReader {
        SplitReader(measure: .accuracy, program: program) { [self] batch, split in
            let output = program.output(ofValue: logits)
            var correct = 0
            for (row, index) in batch.enumerated() {
                let scores = output + row * classes
                var best = 0
                for c in 1..<max(classes, 1) where scores[c] > scores[best] { best = c }
                if best == Int(split.labels[index]) { correct += 1 }
            }
            return Double(correct)
        }
    }
}
