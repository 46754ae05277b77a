/// What a run recorded as it went, for curves, tables and the report.
final class TrainingHistory: @unchecked Sendable {
    /// Per logged step: the step number and each phase's mean loss since the previous record.
    var steps: [(step: Int, losses: [String: Double])] = []
    var epochs: [EpochMetrics] = []

    /// Notes a `metrics.jsonl` record.
    func note(_ record: JSON) {
        guard case .object(let members) = record, case .string("step")? = members["kind"],
            case .integer(let step)? = members["step"], case .object(let losses)? = members["losses"]
        else { return }
        steps.append((step, losses.compactMapValues { if case .number(let v) = $0 { return v } else { return nil } }))
    }
}

extension TrainingHistory {
    /// Keeps the records of `metrics.jsonl` up to `step` (what a checkpoint covers) and returns them
    /// as lines; notes each in the history. Records of a partly run epoch are dropped: it runs again.
    func reload(_ text: String, upTo step: Int, phases: [String]) -> [String] {
        var kept: [String] = []
        for line in text.split(separator: "\n") {
            guard case .object(let record)? = JSONReader.parse(String(line)),
                case .integer(let recordStep)? = record["step"],
                recordStep <= step
            else { continue }
            kept.append(String(line))
            var losses: [String: Double] = [:]
            if case .object(let members)? = record["losses"] {
                for (phase, value) in members { if case .number(let v) = value { losses[phase] = v } }
                for (phase, value) in members { if case .integer(let v) = value { losses[phase] = Double(v) } }
            }
            if case .string("step")? = record["kind"] {
                steps.append((recordStep, losses))
            } else if case .integer(let epoch)? = record["epoch"] {
                let splits = ["train", "validation", "test"].compactMap { split -> (String, Double)? in
                    switch record["\(split)_mse"] {
                    case .number(let v)?: return (split, v)
                    case .integer(let v)?: return (split, Double(v))
                    default: return nil
                    }
                }
                var metrics = EpochMetrics(
                    epoch: epoch, losses: phases.compactMap { p in losses[p].map { (p, $0) } }, splitMSE: splits)
                if case .number(let accuracy)? = record["discriminator_accuracy"] {
                    metrics.discriminatorAccuracy = accuracy
                }
                if case .integer(let accuracy)? = record["discriminator_accuracy"] {
                    metrics.discriminatorAccuracy = Double(accuracy)
                }
                epochs.append(metrics)
            }
        }
        return kept
    }
}
