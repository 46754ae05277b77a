import Foundation
import Report
import Spec
import RunFolder

/// Each setting's per-epoch curve of a metric, the mean of its seeds with a band from their lowest
/// to their highest value: how the settings of a study compare over training, not only at its end.
struct StudyCurves {
    /// One setting's curve.
    struct Curve {
        var setting: Setting
        var epochs: [Double]
        var mean: [Double]
        var lowest: [Double]
        var highest: [Double]
    }

    /// The per-epoch metrics the report plots, where the trials record them.
    static let plotted: [Metric] = Metric.Measure.allCases.flatMap { measure in
        [Split.validation, .test].map { Metric.of(measure, on: $0) }
    }

    /// Each setting's curve of `metric` over its complete trials' epoch records (an epoch counts
    /// where every such trial reached it); empty when no trial records the metric.
    static func curves(_ metric: Metric, _ record: StudyRecord, folder: StudyFolder) -> [Curve] {
        var curves: [Curve] = []
        for setting in record.matrix.settings {
            let runs = record.matrix.trials.filter { $0.setting == setting && record.statuses[$0.index] == .complete }
                .map { epochValues(metric, in: folder.trialFolder($0)) }.filter { !$0.isEmpty }
            guard let shortest = runs.map(\.count).min(), shortest > 0 else { continue }
            let columns = (0..<shortest).map { index in runs.map { $0[index].value } }
            curves.append(
                Curve(
                    setting: setting, epochs: runs[0].prefix(shortest).map { Double($0.epoch) },
                    mean: columns.map { $0.reduce(0, +) / Double($0.count) }, lowest: columns.map { $0.min()! },
                    highest: columns.map { $0.max()! }))
        }
        return curves
    }

    /// The values of `metric` in a run's epoch records, with their epochs (a run that evaluates
    /// every few epochs records it in those only).
    static func epochValues(_ metric: Metric, in folder: URL) -> [(epoch: Int, value: Double)] {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        else { return [] }
        return MetricsRecord.records(text).compactMap { record in
            guard record.kind == .epoch, let value = record.values[metric] else { return nil }
            return (record.epoch, value)
        }
    }

    /// The plot of `curves`, one colour per setting.
    static func plot(_ metric: Metric, _ curves: [Curve], seeds: Int) -> LinePlot {
        var plot = LinePlot(
            title: "\(metric) per epoch: mean of \(seeds) seeds, band from lowest to highest", xLabel: "epoch",
            yLabel: metric.name)
        for curve in curves {
            var series = LinePlot.Series(
                name: curve.setting.label, x: curve.epochs, y: curve.mean, style: .lineWithMarkers)
            series.band = (curve.lowest, curve.highest)
            plot.add(series)
        }
        return plot
    }
}
