import Spec
import RunFolder

/// The measurements after an epoch and once after training, and the `metrics.jsonl` records that
/// hold them.
extension Trainer {
    /// The epoch's mean phase losses (`means`) with each of `splits` measured by every evaluator the
    /// spec has, each split passed once through each program they read, and the adversary judged
    /// when `probe`.
    func evaluate(_ means: [Double?], splits names: [Split], probe: Bool) throws -> EpochMetrics {
        let losses = zip(phases.map(\.name), means).compactMap { name, mean in mean.map { (name, $0) } }
        var metrics = EpochMetrics(epoch: epochsDone, losses: losses)
        var measured: [(Split, [Metric.Measure: Double])] = []
        for name in names {
            guard let split = data.split(name) else { continue }
            let values = try SplitReader.measure(
                readers, split, epoch: Double(epochsDone), seed: checked.spec.seed, prior: checked.spec.prior,
                passes: &evaluationPasses)
            measured.append((name, values))
        }
        for measure in Metric.Measure.allCases {
            for (name, values) in measured {
                if let value = values[measure] { metrics.values.append((.of(measure, on: name), value)) }
            }
        }
        if probe, let discriminatorProbe {
            let judged = try discriminatorProbe.accuracy(data.heldOut.images)
            metrics.values.append((.discriminatorAccuracy, judged))
            evaluationPasses += discriminatorProbe.judged(data.heldOut.images)
        }
        return metrics
    }

    func epochRecord(_ metrics: EpochMetrics) -> MetricsRecord {
        var record = measuredRecord(.epoch, metrics)
        record.losses = Dictionary(uniqueKeysWithValues: metrics.losses.map { ($0.phase, $0.value) })
        for (phase, skipped) in zip(phases, skippedUpdates) where phase.gate != nil {
            record.skippedUpdates[phase.name] = skipped
        }
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
