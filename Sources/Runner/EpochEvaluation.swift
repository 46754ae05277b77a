/// The measurements after an epoch and once after training, and the `metrics.jsonl` records that
/// hold them.
extension Trainer {
    /// The epoch's mean phase losses (`means`) with each of `splits` measured by every evaluator the
    /// spec has, and the adversary judged when `probe`.
    func evaluate(_ means: [Double?], splits names: [String], probe: Bool) throws -> EpochMetrics {
        let splits = names.compactMap { name in data.split(name).map { (name, $0) } }
        var mse: [(String, Double)] = []
        if let evaluator {
            for (name, split) in splits { mse.append((name, try evaluator.meanSquaredError(split))) }
        }
        let losses = zip(phases.map(\.name), means).compactMap { name, mean in mean.map { (name, $0) } }
        var metrics = EpochMetrics(epoch: epochsDone, losses: losses, splitMSE: mse)
        if let lossEvaluator {
            for (name, split) in splits {
                metrics.measures.append(("\(name)_loss", try lossEvaluator.meanLoss(split, epoch: Double(epochsDone))))
            }
        }
        if let classifierEvaluator {
            for (name, split) in splits {
                metrics.measures.append(("\(name)_accuracy", try classifierEvaluator.accuracy(split)))
            }
        }
        if probe, let discriminatorProbe {
            metrics.discriminatorAccuracy = try discriminatorProbe.accuracy(DiscriminatorProbe.judged(data).images)
        }
        return metrics
    }

    func epochRecord(_ metrics: EpochMetrics) -> JSON {
        var members = measuredMembers(metrics)
        members["kind"] = .string("epoch")
        members["losses"] = .object(
            Dictionary(uniqueKeysWithValues: metrics.losses.map { ($0.phase, JSON.number($0.value)) }))
        return .object(members)
    }

    /// The record of the splits measured once after training, on the parameters the run keeps
    /// (with early stopping, the best epoch's, which `epoch` names).
    func finalRecord(_ metrics: EpochMetrics) -> JSON {
        var members = measuredMembers(metrics)
        members["kind"] = .string("final")
        if let best = earlyStopping?.bestEpoch, best > 0 { members["epoch"] = .integer(best) }
        return .object(members)
    }

    private func measuredMembers(_ metrics: EpochMetrics) -> [String: JSON] {
        var members: [String: JSON] = ["epoch": .integer(metrics.epoch), "step": .integer(step)]
        for (split, value) in metrics.splitMSE { members["\(split)_mse"] = .number(value) }
        for (name, value) in metrics.measures { members[name] = .number(value) }
        if let accuracy = metrics.discriminatorAccuracy { members["discriminator_accuracy"] = .number(accuracy) }
        return members
    }
}
