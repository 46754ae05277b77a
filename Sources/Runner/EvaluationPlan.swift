import Graph
import Spec

/// What a run measures, on which splits, after which epochs: the one reading of `train.evaluate`
/// that the trainer follows, `check` prints with its cost, and early stopping is checked against.
struct EvaluationPlan {
    /// What each measured split gets: `mse` (reconstruction), `loss` (a phase's whole loss),
    /// `accuracy` (a classifier head), in that order.
    let measures: [String]
    /// Whether each evaluation also judges the adversary (`discriminator_accuracy`).
    let probesDiscriminator: Bool
    /// The splits measured at every evaluation, of those the data has, in train, validation, test order.
    let splits: [String]
    /// The splits measured once after training, not already measured at every evaluation.
    let final: [String]
    let every: Int
    let epochs: Int

    init(_ spec: ExperimentSpec, model: ModelSummary, available: [String]) {
        var measures: [String] = []
        if Evaluator.reconstruction(model) != nil { measures.append("mse") }
        if LossEvaluator.measuredPhase(model) != nil { measures.append("loss") }
        if ClassifierEvaluator.head(model) != nil { measures.append("accuracy") }
        self.measures = measures
        probesDiscriminator = DiscriminatorProbe.critic(spec, model: model) != nil
        let asked = spec.train.evaluate
        let splits = EvaluationSpec.splitNames.filter { name in
            available.contains(name) && asked.splits.contains { $0.name == name }
        }
        self.splits = splits
        final = EvaluationSpec.splitNames.filter { name in
            available.contains(name) && !splits.contains(name) && asked.final.contains { $0.name == name }
        }
        every = asked.every
        epochs = spec.train.epochs
    }

    /// Whether the epoch just finished (counted from 1) is evaluated: every `every`-th and the last.
    func evaluates(afterEpoch epoch: Int) -> Bool { epoch % every == 0 || epoch >= epochs }

    /// The metrics every evaluation records: `validation_mse`, `test_loss`, `discriminator_accuracy`.
    var evaluationMetrics: [String] {
        splits.flatMap { split in measures.map { "\(split)_\($0)" } }
            + (probesDiscriminator ? ["discriminator_accuracy"] : [])
    }

    /// The metrics measured once after training.
    var finalMetrics: [String] { final.flatMap { split in measures.map { "\(split)_\($0)" } } }

    /// One line per split `train.evaluate` names that the data does not have: not measured.
    static func notes(_ spec: ExperimentSpec, available: [String]) -> [String] {
        let asked = spec.train.evaluate
        return [("splits", asked.splits), ("final", asked.final)].flatMap { key, names in
            names.filter { $0.origin != .defaulted && !available.contains($0.name) }.map { named in
                "\(named.origin.place): train.evaluate.\(key) names the \(named.name) split, which the data does not "
                    + "have (it has \(available.joined(separator: ", "))): not measured"
            }
        }
    }

    /// The problem of `train.early_stop` for data with the `available` splits, if any: it must
    /// watch a metric every evaluation records.
    static func earlyStopProblem(_ spec: ExperimentSpec, model: ModelSummary, available: [String]) -> Diagnostic? {
        guard let early = spec.train.earlyStop else { return nil }
        let plan = EvaluationPlan(spec, model: model, available: available)
        guard !plan.evaluationMetrics.contains(early.metric) else { return nil }
        let origin =
            spec.resolved.entries?.first { $0.key == "train" }?.value.entries?.first { $0.key == "early_stop" }?.value
            .origin ?? .defaulted
        var message = "train.early_stop watches \(early.metric), which this spec's evaluations do not record"
        let split = EvaluationSpec.splitNames.first { split in
            available.contains(split) && plan.measures.contains { early.metric == "\(split)_\($0)" }
        }
        if let split {
            message += "; add \(split) to train.evaluate.splits to measure it at every evaluation"
        } else if !plan.evaluationMetrics.isEmpty {
            message += "; they record \(plan.evaluationMetrics.joined(separator: ", "))"
        }
        return Diagnostic(origin, message)
    }

    /// What `check` says: what is measured when, and what it costs against training, in images
    /// passed forward (`sizes`: each split's images, when the data has been read).
    func describe(sizes: [String: Int]?) -> String {
        guard !measures.isEmpty || probesDiscriminator else { return "evaluation: nothing to measure" }
        let size = { (split: String) in sizes?[split].map { " (\(groupedDigits($0)))" } ?? "" }
        let list = { (names: [String]) -> String in
            let items = names.map { $0 + size($0) }
            return items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
        }
        let when = every == 1 ? "after every epoch" : "after every \(every) epochs and the last"
        let what = measures.map { $0 == "mse" ? "MSE" : $0 }.joined(separator: ", ")
        var text = "evaluation: "
        text +=
            splits.isEmpty
            ? "no split \(when)"
            : "\(what) of \(list(splits)) \(when)"
        if probesDiscriminator { text += ", with the discriminator's accuracy" }
        if !final.isEmpty {
            text += "; \(list(final)) once after training"
        }
        guard let sizes, let trained = sizes["train"], trained > 0, !measures.isEmpty else { return text }
        // A forward pass over an image costs about a third of a training step's forward and backward.
        let passes = splits.reduce(0) { $0 + (sizes[$1] ?? 0) } * measures.count
        let evaluations = epochs / every + (epochs % every == 0 ? 0 : 1)
        let share = Double(passes * evaluations) / Double(3 * trained * epochs)
        text +=
            "\n  \(groupedDigits(passes)) forward passes per evaluation (\(measures.count) per image), "
            + "about \(Int((share * 100).rounded()))% of training's arithmetic"
        return text
    }
}
