import Spec
import RunFolder

/// The measurements after an epoch and once after training, and the `metrics.jsonl` records that
/// hold them.
extension Trainer {
    /// The epoch's mean phase losses (`means`) with each of `splits` measured by every evaluator the
    /// spec has, and the adversary judged when `probe`.
    func evaluate(_ means: [Double?], splits names: [Split], probe: Bool) throws -> EpochMetrics {
        let splits = names.compactMap { name in data.split(name).map { (name, $0) } }
        let losses = zip(phases.map(\.name), means).compactMap { name, mean in mean.map { (name, $0) } }
        var metrics = EpochMetrics(epoch: epochsDone, losses: losses)
        if let evaluator {
            for (name, split) in splits {
                metrics.values.append((.of(.mse, on: name), try evaluator.meanSquaredError(split)))
            }
        }
        if let lossEvaluator {
            for (name, split) in splits {
                let loss = try lossEvaluator.meanLoss(split, epoch: Double(epochsDone))
                metrics.values.append((.of(.loss, on: name), loss))
            }
        }
        if let classifierEvaluator {
            for (name, split) in splits {
                metrics.values.append((.of(.accuracy, on: name), try classifierEvaluator.accuracy(split)))
            }
        }
        if probe, let discriminatorProbe {
            let judged = try discriminatorProbe.accuracy(data.heldOut.images)
            metrics.values.append((.discriminatorAccuracy, judged))
        }
        return metrics
    }

    func epochRecord(_ metrics: EpochMetrics) -> MetricsRecord {
        var record = measuredRecord(.epoch, metrics)
        record.losses = Dictionary(uniqueKeysWithValues: metrics.losses.map { ($0.phase, $0.value) })
        return record
    }

    /// The record of the splits measured once after training, on the parameters the run keeps
    /// (with early stopping, the best epoch's, which `epoch` names).
    func finalRecord(_ metrics: EpochMetrics) -> MetricsRecord {
        var record = measuredRecord(.final, metrics)
        if let best = earlyStopping?.bestEpoch, best > 0 { record.epoch = best }
        return record
    }

    private func measuredRecord(_ kind: MetricsRecord.Kind, _ metrics: EpochMetrics) -> MetricsRecord {
        var record = MetricsRecord(kind, step: step, epoch: metrics.epoch)
        for (metric, value) in metrics.values { record.values[metric] = value }
        return record
    }
}
