import Data
import Foundation
import RunFolder
import Spec

/// A study trial's pruning by asynchronous successive halving (ASHA, Li et al., 2020): at each
/// rung epoch the trial records its metric in the study's rung folder and reads the records of
/// the other trials; it goes on only when it is among the best 1/reduction of the trials that
/// reached that rung (the best one when fewer than `reduction` have). A trial judges itself, so
/// a pruned trial ends on its own, on this machine or in a Slurm task.
public struct RungJudge: Sendable {
    public let rule: PruneSpec
    /// `rungs/` in the study folder: one `<trial>.json` per trial, its value at each rung passed.
    public let folder: String

    public init(rule: PruneSpec, folder: String) {
        self.rule = rule
        self.folder = folder
    }

    /// Why `trial` stops after `epoch` of `epochs`, with `metrics` measured then; nil: it goes on.
    func verdict(trial: String, epoch: Int, epochs: Int, metrics: EpochMetrics) throws -> String? {
        guard rule.rungs(epochs: epochs).contains(epoch) else { return nil }
        guard let metric = Metric.named(rule.metric), let value = metrics[metric] else {
            throw RunError(
                "the study prunes on \(rule.metric) at epoch \(epoch), but that epoch did not measure it; "
                    + "evaluate the split every epoch (train.evaluate)")
        }
        var own = record(of: trial)
        own[epoch] = value
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let json = JSON.object(Dictionary(uniqueKeysWithValues: own.map { (String($0.key), JSON.number($0.value)) }))
        try AtomicFile.write(text: json.pretty, to: path(of: trial))
        var competing = [value]
        for other in trials() where other != trial {
            if let theirs = record(of: other)[epoch] { competing.append(theirs) }
        }
        let lowerIsBetter = metric.direction != .higher
        competing.sort { lowerIsBetter ? $0 < $1 : $0 > $1 }
        let kept = max(competing.count / rule.reduction, 1)
        let threshold = competing[kept - 1]
        if lowerIsBetter ? value <= threshold : value >= threshold { return nil }
        return "at epoch \(epoch), \(rule.metric) \(String(format: "%.6g", value)) is not among the best "
            + "\(kept) of the \(competing.count) trials that reached it (1/\(rule.reduction))"
    }

    private func path(of trial: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent("\(trial).json").path
    }

    /// The trials with a record, by name.
    private func trials() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// `trial`'s value at each rung it has passed; empty when it has none (or an unreadable one).
    private func record(of trial: String) -> [Int: Double] {
        guard let text = try? String(contentsOfFile: path(of: trial), encoding: .utf8),
            case .object(let members)? = JSONReader.parse(text)
        else { return [:] }
        var values: [Int: Double] = [:]
        for (key, value) in members {
            guard let epoch = Int(key) else { continue }
            switch value {
            case .number(let number): values[epoch] = number
            case .integer(let number): values[epoch] = Double(number)
            default: continue
            }
        }
        return values
    }
}
