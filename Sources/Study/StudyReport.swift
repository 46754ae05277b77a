import Foundation
import Report

/// The study's `report.html`: the matrix, each setting's mean ± std and 95% interval of the
/// test and validation metrics, their curves per epoch with a band across seeds (also written as
/// `plots/<metric>.png`), the best setting per metric with Welch's t-test against each
/// other setting, and each trial's status.
enum StudyReport {
    static func html(_ record: StudyRecord, _ summary: StudySummary, folder: StudyFolder) -> String {
        var page = HTMLReport(title: "Study of \(record.matrix.name)")
        page.addPreformatted(record.matrix.yaml, heading: "Matrix")
        let shown = summary.metricNames.filter { $0.hasPrefix("test_") || $0.hasPrefix("validation_") }
        let metrics = shown.isEmpty ? summary.metricNames : shown
        page.addTable(
            header: ["setting", "trials"] + metrics,
            rows: summary.groups.map { group in
                [
                    group.setting.label,
                    "\(group.complete)" + (group.incomplete > 0 ? " (+\(group.incomplete) not complete)" : ""),
                ]
                    + metrics.map { name in group.metrics[name].map(describe) ?? "—" }
            },
            heading: "Final metrics: mean ± std [95% interval of the mean]")
        for metric in StudyCurves.plotted {
            let curves = StudyCurves.curves(metric, record, folder: folder)
            guard !curves.isEmpty else { continue }
            let plot = StudyCurves.plot(metric, curves, seeds: record.matrix.request.seeds.count)
            if let svg = try? plot.render(.svg) {
                try? page.addSVG(
                    svg,
                    caption:
                        "\(metric) per epoch of each setting: the mean of its seeds, the band from their lowest to their highest value"
                )
            }
            if let png = try? plot.render(.png) { try? folder.writeData("plots/\(metric).png", png) }
        }
        var rows: [[String]] = []
        for best in summary.best where metrics.contains(best.metric) {
            for (other, test) in best.tests {
                rows.append([
                    best.metric, best.setting.label, other.label,
                    test.map { String(format: "%.3g", $0.t) } ?? "—",
                    test.map { String(format: "%.1f", $0.degreesOfFreedom) } ?? "—",
                    test.map { String(format: "%.3g", $0.p) } ?? "— (fewer than two values or no spread)",
                ])
            }
        }
        if !rows.isEmpty {
            page.addTable(
                header: ["metric", "best setting", "against", "t", "df", "p (two-sided)"], rows: rows,
                heading: "Best setting per metric, and Welch's t-test against each other setting")
        }
        page.addTable(
            header: ["trial", "seed", "setting", "status", "seconds"],
            rows: record.matrix.trials.map { trial in
                [
                    trial.folderName, "\(trial.seed)", trial.setting.label, record.statuses[trial.index].rawValue,
                    record.seconds[trial.index].map { String(format: "%.1f", $0) } ?? "",
                ]
            },
            heading: "Trials")
        return page.html()
    }

    /// `0.02005 ± 0.00029 [0.01932, 0.02078]`: every number to the decimals that give the standard
    /// deviation two significant digits (a single value, no spread or numbers of a million and
    /// more: four significant digits, so 1e308 is not written out in 309 digits).
    static func describe(_ s: SampleSummary) -> String {
        let number: (Double) -> String
        if s.count > 1, s.std > 0, s.std.isFinite, max(abs(s.mean), s.std) < 1e6 {
            let decimals = min(max(1 - Int(log10(s.std).rounded(.down)), 0), 12)
            number = { String(format: "%.\(decimals)f", $0) }
        } else {
            number = { String(format: "%.4g", $0) }
        }
        var text = number(s.mean)
        if s.count > 1 { text += " ± " + number(s.std) }
        if let interval = s.interval { text += " [\(number(interval.lowerBound)), \(number(interval.upperBound))]" }
        return text
    }
}
