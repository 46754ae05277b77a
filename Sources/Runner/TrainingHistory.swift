import Spec
import RunFolder

/// What a run recorded as it went, for curves, tables and the report.
final class TrainingHistory: @unchecked Sendable {
    /// Per logged step: the step number and each phase's mean loss since the previous record.
    var steps: [(step: Int, losses: [String: Double])] = []
    var epochs: [EpochMetrics] = []
    /// The splits measured once after training (`train.evaluate.final`), when measured.
    var final: EpochMetrics?
    /// Per logged step, the mean of each term (`phase.term`) of phases whose loss has several.
    var termSteps: [(step: Int, terms: [String: Double])] = []

    /// Notes a `metrics.jsonl` step or final record (epoch records arrive as `EpochMetrics`).
    func note(_ record: MetricsRecord) {
        switch record.kind {
        case .final: final = Self.epochMetrics(record, phases: [])
        case .step:
            steps.append((record.step, record.losses))
            if !record.terms.isEmpty { termSteps.append((record.step, record.terms)) }
        case .epoch: return
        }
    }
}

extension TrainingHistory {
    /// Keeps the records of `metrics.jsonl` up to `step` (what a checkpoint covers) and returns them
    /// as lines; notes each in the history. Records of a partly run epoch are dropped: it runs again.
    func reload(_ text: String, upTo step: Int, phases: [String]) -> [String] {
        var kept: [String] = []
        for line in text.split(separator: "\n") {
            guard let record = MetricsRecord(line: line), record.step <= step else { continue }
            kept.append(String(line))
            if record.kind == .epoch {
                epochs.append(Self.epochMetrics(record, phases: phases))
            } else {
                note(record)
            }
        }
        return kept
    }

    /// An epoch or final record read back, the inverse of `Trainer.epochRecord`: the phases'
    /// losses in `phases`' order, the measures in the order an evaluation makes them.
    static func epochMetrics(_ record: MetricsRecord, phases: [String]) -> EpochMetrics {
        var metrics = EpochMetrics(
            epoch: record.epoch, losses: phases.compactMap { p in record.losses[p].map { (p, $0) } })
        metrics.values = Metric.evaluationOrder.compactMap { metric in
            record.values[metric].map { (metric, $0) }
        }
        return metrics
    }
}
