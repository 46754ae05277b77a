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
    func note(_ record: JSON) {
        if case .object(let members) = record, case .string("final")? = members["kind"],
            case .integer(let epoch)? = members["epoch"]
        {
            final = Self.epochMetrics(epoch, members, phases: [])
            return
        }
        guard case .object(let members) = record, case .string("step")? = members["kind"],
            case .integer(let step)? = members["step"], case .object(let losses)? = members["losses"]
        else { return }
        steps.append((step, losses.compactMapValues(\.numberValue)))
        if case .object(let terms)? = members["terms"] {
            termSteps.append((step, terms.compactMapValues(\.numberValue)))
        }
    }
}

extension TrainingHistory {
    /// Keeps the records of `metrics.jsonl` up to `step` (what a checkpoint covers) and returns them
    /// as lines; notes each in the history. Records of a partly run epoch are dropped: it runs again.
    func reload(_ text: String, upTo step: Int, phases: [String]) -> [String] {
        var kept: [String] = []
        for line in text.split(separator: "\n") {
            guard let record = JSONReader.parse(String(line)), case .object(let members) = record,
                case .integer(let recordStep)? = members["step"], recordStep <= step
            else { continue }
            kept.append(String(line))
            if case .string(let kind)? = members["kind"], kind == "step" || kind == "final" {
                note(record)
            } else if case .integer(let epoch)? = members["epoch"] {
                epochs.append(Self.epochMetrics(epoch, members, phases: phases))
            }
        }
        return kept
    }

    /// An epoch record of `metrics.jsonl` read back, the inverse of `Trainer.epochRecord`.
    static func epochMetrics(_ epoch: Int, _ record: [String: JSON], phases: [String]) -> EpochMetrics {
        var losses: [String: Double] = [:]
        if case .object(let members)? = record["losses"] { losses = members.compactMapValues(\.numberValue) }
        let splits = ["train", "validation", "test"].compactMap { split in
            record["\(split)_mse"]?.numberValue.map { (split, $0) }
        }
        var metrics = EpochMetrics(
            epoch: epoch, losses: phases.compactMap { p in losses[p].map { (p, $0) } }, splitMSE: splits)
        metrics.measures = ["train", "validation", "test"].flatMap { split in
            EpochMetrics.measureKinds.compactMap { kind in
                record["\(split)_\(kind)"]?.numberValue.map { ("\(split)_\(kind)", $0) }
            }
        }
        metrics.discriminatorAccuracy = record["discriminator_accuracy"]?.numberValue
        return metrics
    }
}
