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
