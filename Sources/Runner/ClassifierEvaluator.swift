import Data
import Graph
import Kernels
import Spec

/// The accuracy of a classifier head on every split: the fraction of images whose largest logit is
/// their label, for the logits of the first `cross_entropy(logits, y)` whose logits are computed
/// from `x` (`cross_entropy(classifier(encoder(x)), y)`). Random functions draw from the
/// evaluation stream, restarted for every split.
final class ClassifierEvaluator {
    let program: PhaseProgram
    let logits: Int
    let classes: Int
    let seed: UInt64

    /// The evaluator of the first classifier head, or nil when no loss has one.
    static func make(
        _ model: ModelSummary, store: ParameterStore, capacity: Int, seed: UInt64, context: ExecutionContext
    ) -> ClassifierEvaluator? {
        guard let head = model.roles.classifierHead else { return nil }
        let program = PhaseProgram(
            computing: head.logits, of: model.phases[head.phase].resolved, model: model, store: store,
            capacity: capacity, seed: seed, context: context)
        guard let output = program.plan.output else { return nil }
        return ClassifierEvaluator(program: program, logits: output, classes: head.classes, seed: seed)
    }

    init(program: PhaseProgram, logits: Int, classes: Int, seed: UInt64) {
        self.program = program
        self.logits = logits
        self.classes = classes
        self.seed = seed
    }

    /// The fraction of `split`'s images classified as their label.
    func accuracy(_ split: LabeledImages) throws -> Double {
        var correct = 0
        try program.evaluate(split, Array(0..<split.count), seed: seed) { batch in
            let output = program.output(ofValue: logits)
            for (row, index) in batch.enumerated() {
                let scores = output + row * classes
                var best = 0
                for c in 1..<max(classes, 1) where scores[c] > scores[best] { best = c }
                if best == Int(split.labels[index]) { correct += 1 }
            }
        }
        return Double(correct) / Double(max(split.count, 1))
    }
}
