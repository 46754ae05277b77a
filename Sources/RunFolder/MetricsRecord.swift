import Spec

/// One line of `metrics.jsonl`, typed: written by the trainer through `json`, read back by the
/// history, the curves of studies, diffs and TensorBoard through `init?(json:)`. The only place
/// the record's keys are spelled.
public struct MetricsRecord: Sendable {
    /// What the line records.
    public enum Kind: String, Sendable {
        /// The phase losses of a window of logged steps.
        case step
        /// An epoch's mean losses and what its evaluation measured.
        case epoch
        /// The splits measured once after training, on the parameters the run keeps.
        case final
    }

    public var kind: Kind
    /// The training step the record was written after (what a checkpoint covers).
    public var step: Int
    /// The epoch (from 1): running for a step record; finished for an epoch record; for a final
    /// record, the epoch whose parameters the run kept.
    public var epoch: Int
    /// Each phase's mean loss (over the window, or the epoch).
    public var losses: [String: Double] = [:]
    /// For a step record, each term's mean (`phase.term`) of phases whose loss has several.
    public var terms: [String: Double] = [:]
    /// For an epoch record, how many of each gated phase's (`when:`) updates its condition held
    /// back in the epoch, 0 included; no entry for a phase without one.
    public var skippedUpdates: [String: Int] = [:]
    /// What an evaluation measured.
    public var values: [Metric: Double] = [:]

    /// A record of `kind` with nothing measured yet.
    public init(_ kind: Kind, step: Int, epoch: Int) {
        (self.kind, self.step, self.epoch) = (kind, step, epoch)
    }

    private enum Key: String {
        case kind, step, epoch, losses, terms
        case skippedUpdates = "skipped_updates"
    }

    /// The record as a JSON object (keys sorted when written).
    public var json: JSON {
        var members: [String: JSON] = [
            Key.kind.rawValue: .string(kind.rawValue), Key.step.rawValue: .integer(step),
            Key.epoch.rawValue: .integer(epoch),
        ]
        if kind != .final { members[Key.losses.rawValue] = .object(losses.mapValues(JSON.number)) }
        if !terms.isEmpty { members[Key.terms.rawValue] = .object(terms.mapValues(JSON.number)) }
        if !skippedUpdates.isEmpty {
            members[Key.skippedUpdates.rawValue] = .object(skippedUpdates.mapValues(JSON.integer))
        }
        for (metric, value) in values { members[metric.name] = .number(value) }
        return .object(members)
    }

    /// Reads a record back; nil for a line that is not one (a record of a newer runexp's kind).
    public init?(json: JSON) {
        guard case .object(let members) = json, case .string(let name)? = members[Key.kind.rawValue],
            let kind = Kind(rawValue: name), case .integer(let step)? = members[Key.step.rawValue],
            case .integer(let epoch)? = members[Key.epoch.rawValue]
        else { return nil }
        self.init(kind, step: step, epoch: epoch)
        if case .object(let losses)? = members[Key.losses.rawValue] {
            self.losses = losses.compactMapValues(\.numberValue)
        }
        if case .object(let terms)? = members[Key.terms.rawValue] { self.terms = terms.compactMapValues(\.numberValue) }
        if case .object(let skipped)? = members[Key.skippedUpdates.rawValue] {
            skippedUpdates = skipped.compactMapValues { if case .integer(let count) = $0 { count } else { nil } }
        }
        for metric in Metric.perEpoch {
            if let value = members[metric.name]?.numberValue { values[metric] = value }
        }
    }

    /// Reads one line of `metrics.jsonl`.
    public init?(line: some StringProtocol) {
        guard let json = JSONReader.parse(String(line)) else { return nil }
        self.init(json: json)
    }

    /// Every record of a `metrics.jsonl` text, in order (lines that are not records are skipped).
    public static func records(_ text: String) -> [MetricsRecord] {
        text.split(separator: "\n").compactMap { MetricsRecord(line: $0) }
    }
}
