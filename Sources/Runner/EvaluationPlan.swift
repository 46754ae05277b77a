import Graph
import Spec
import Report

/// What a run measures, on which splits, after which epochs: the one reading of `train.evaluate`
/// that the trainer follows, `check` prints with its cost, and early stopping is checked against.
struct EvaluationPlan {
    /// What each measured split gets: `mse` (reconstruction), `loss` (a phase's whole loss),
    /// `accuracy` (a classifier head), in that order.
    let measures: [Metric.Measure]
    /// Whether each evaluation also judges the adversary (`discriminator_accuracy`).
    let probesDiscriminator: Bool
    /// The splits measured at every evaluation, of those the data has, in train, validation, test order.
    let splits: [Split]
    /// The splits measured once after training, not already measured at every evaluation.
    let final: [Split]
    let every: Int
    let epochs: Int
    private let spec: ExperimentSpec
    private let model: ModelSummary

    init(_ spec: ExperimentSpec, model: ModelSummary, available: [Split]) {
        var measures: [Metric.Measure] = []
        if model.roles.reconstruction != nil { measures.append(.mse) }
        if model.roles.measuredPhase != nil { measures.append(.loss) }
        if model.roles.classifierHead != nil { measures.append(.accuracy) }
        self.measures = measures
        probesDiscriminator = model.roles.critic != nil
        let asked = spec.train.evaluate
        let splits = Split.allCases.filter { split in
            available.contains(split) && asked.splits.contains { $0.split == split }
        }
        self.splits = splits
        final = Split.allCases.filter { split in
            available.contains(split) && !splits.contains(split) && asked.final.contains { $0.split == split }
        }
        every = asked.every
        epochs = spec.train.epochs
        self.spec = spec
        self.model = model
    }

    /// What a measured image and a training image cost, counted from the layers (planned only
    /// when asked: a run does not need it).
    var cost: EvaluationCost { EvaluationCost(spec, model: model) }

    /// Whether what a measure reads from phase `phase`'s loss (the reconstruction, a classifier's
    /// logits) comes from the measured phase's own loss pass, which is then one pass for them all:
    /// it does when that phase is the measured one.
    static func readsLossPass(phase: Int, _ roles: ModelRoles) -> Bool { phase == roles.measuredPhase }

    /// How many evaluations a run makes: after every `every`-th epoch and the last.
    var evaluations: Int { epochs / every + (epochs % every == 0 ? 0 : 1) }

    /// What a whole run's evaluation costs with splits of these `sizes` (images): the forward
    /// passes of images (and of the discriminator probe's prior samples) it makes, and their
    /// arithmetic as a share of the training steps'. Nil without a training split or anything to measure.
    func estimate(sizes: [Split: Int]) -> (passes: Int, share: Double)? {
        guard let trained = sizes[.train], trained > 0, !measures.isEmpty || probesDiscriminator else { return nil }
        let cost = self.cost
        let images = { (splits: [Split]) in splits.reduce(0) { $0 + (sizes[$1] ?? 0) } }
        let available = Split.allCases.filter { (sizes[$0] ?? 0) > 0 }
        let heldOut = sizes[Split.heldOut(among: available)] ?? 0
        let pairs = probesDiscriminator ? min(heldOut, DiscriminatorProbe.samples) : 0
        let each = Double(images(splits) * cost.passesPerImage + 2 * pairs)
        let passes = Double(evaluations) * each + Double(images(final) * cost.passesPerImage)
        let flops =
            Double(evaluations) * (Double(images(splits)) * cost.flopsPerImage + Double(pairs) * cost.probeFlops)
            + Double(images(final)) * cost.flopsPerImage
        let training = Double(trained) * Double(epochs) * cost.trainingFlopsPerImage
        return (Int(passes), training > 0 ? flops / training : 0)
    }

    /// Whether the epoch just finished (counted from 1) is evaluated: every `every`-th and the last.
    func evaluates(afterEpoch epoch: Int) -> Bool { epoch % every == 0 || epoch >= epochs }

    /// The metrics every evaluation records: `validation_mse`, `test_loss`, `discriminator_accuracy`.
    var evaluationMetrics: [Metric] {
        splits.flatMap { split in measures.map { Metric.of($0, on: split) } }
            + (probesDiscriminator ? [.discriminatorAccuracy] : [])
    }

    /// The metrics measured once after training.
    var finalMetrics: [Metric] { final.flatMap { split in measures.map { Metric.of($0, on: split) } } }

    /// One line per split `train.evaluate` names that the data does not have: not measured.
    static func notes(_ spec: ExperimentSpec, available: [Split]) -> [String] {
        let asked = spec.train.evaluate
        return [("splits", asked.splits), ("final", asked.final)].flatMap { key, names in
            names.filter { $0.origin != .defaulted && !available.contains($0.split) }.map { named in
                "\(named.origin.place): train.evaluate.\(key) names the \(named.split) split, which the data does not "
                    + "have (it has \(available.map(\.name).joined(separator: ", "))): not measured"
            }
        }
    }

    /// The problem of `train.early_stop` for data with the `available` splits, if any: it must
    /// watch a metric every evaluation records.
    static func earlyStopProblem(_ spec: ExperimentSpec, model: ModelSummary, available: [Split]) -> Diagnostic? {
        guard let early = spec.train.earlyStop else { return nil }
        let plan = EvaluationPlan(spec, model: model, available: available)
        guard !plan.evaluationMetrics.contains(early.metric) else { return nil }
        let origin =
            spec.resolved.entries?.first { $0.key == "train" }?.value.entries?.first { $0.key == "early_stop" }?.value
            .origin ?? .defaulted
        var message = "train.early_stop watches \(early.metric), which this spec's evaluations do not record"
        let split = early.metric.split.flatMap { available.contains($0) ? $0 : nil }
        // Only a measure this model has can be recorded by evaluating one more split.
        let measurable = early.metric.measure.map(plan.measures.contains) ?? false
        if let split, measurable {
            message += "; add \(split) to train.evaluate.splits to measure it at every evaluation"
        } else if !plan.evaluationMetrics.isEmpty {
            message += "; they record \(Metric.names(plan.evaluationMetrics).joined(separator: ", "))"
        }
        return Diagnostic(origin, message)
    }

    /// What `check` says: what is measured when, and what it costs against training (`sizes`:
    /// each split's images, when known), estimated from the layers' arithmetic, not timed.
    func describe(sizes: [Split: Int]?) -> String {
        guard !measures.isEmpty || probesDiscriminator else { return "evaluation: nothing to measure" }
        let size = { (split: Split) in sizes?[split].map { " (\(groupedDigits($0)) images)" } ?? "" }
        let list = { (splits: [Split]) -> String in
            let items = splits.map { $0.name + size($0) }
            return items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
        }
        let when = every == 1 ? "after every epoch" : "after every \(every) epochs and the last"
        let what = measures.map { $0 == .mse ? "MSE" : $0.rawValue }.joined(separator: ", ")
        var text = "evaluation: "
        text +=
            splits.isEmpty
            ? "no split \(when)"
            : "\(what) of \(list(splits)) \(when)"
        if probesDiscriminator { text += ", with the discriminator's accuracy" }
        if !final.isEmpty {
            text += "; \(list(final)) once after training"
        }
        guard let sizes, let (passes, share) = estimate(sizes: sizes) else { return text }
        let cost = self.cost
        let percent = share < 0.01 ? "under 1%" : "≈\(Int((share * 100).rounded()))%"
        let perImage = cost.passesPerImage == 1 ? "one per image" : "\(cost.passesPerImage) per image"
        text +=
            "\n  about \(groupedDigits(passes)) forward passes over \(epochs) epoch\(epochs == 1 ? "" : "s") "
            + "(\(perImage)\(probesDiscriminator ? ", and the discriminator's codes and prior samples" : "")), "
            + "\(percent) of the training steps' arithmetic (counted from the layers' FLOPs, not timed)"
        return text
    }
}
