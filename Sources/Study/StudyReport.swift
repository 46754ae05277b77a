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
        var bars: [(label: String, values: [Double?], note: String)] = []
        for metric in StudyCurves.plotted {
            let curves = StudyCurves.curves(metric, record, folder: folder)
            guard !curves.isEmpty else { continue }
            // One epoch makes each curve a lone dot on an axis stretched around it: bars from zero instead.
            if curves.allSatisfy({ $0.epochs.count == 1 }) {
                let values = record.matrix.settings.map { setting in curves.first { $0.setting == setting }?.mean[0] }
                bars.append((metric.name, values, "mean of its seeds after epoch 1"))
                continue
            }
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
        if !bars.isEmpty {
            page.addBarTable(
                header: ["metric"] + record.matrix.settings.map(\.label) + [""], rows: bars,
                heading: "Per-epoch metrics of a one-epoch study: each setting's mean")
        }
        addBest(summary, metrics: metrics, to: &page)
        page.addTable(
            header: ["trial", "seed", "setting", "status", "seconds"],
            rows: record.matrix.trials.map { trial in
                [
                    trial.folderName, "\(trial.seed)", trial.setting.label, record.statuses[trial.index].rawValue,
                    record.seconds[trial.index].map { String(format: "%.1f", $0) } ?? "",
                ]
            },
            heading: "Trials",
            links: record.matrix.trials.map { trial in
                let report = folder.trialFolder(trial).appendingPathComponent("report.html")
                return FileManager.default.fileExists(atPath: report.path) ? "\(trial.folderName)/report.html" : nil
            })
        return page.html()
    }

    /// The best setting per metric in plain words (whether Welch's test separates it from the
    /// next), then the test against each other setting.
    static func addBest(_ summary: StudySummary, metrics: [String], to page: inout HTMLReport) {
        var rows: [[String]] = []
        let shown = summary.best.filter { metrics.contains($0.metric) }
        if !shown.isEmpty { page.addHeading("Best setting per metric, and Welch's t-test against each other setting") }
        for best in shown {
            if let next = best.next {
                let separated = best.tests.first { $0.against == next }?.test.map { $0.p < WelchTest.significanceLevel }
                page.addParagraph(
                    "Best \(best.metric): \(best.setting.label). Against the next, \(next.label): \(best.verdict)"
                        + (separated == false ? ", so the study does not separate the two." : "."))
            }
            for (other, test) in best.tests {
                rows.append([
                    best.metric, best.setting.label, other.label,
                    test.map { String(format: "%.3g", $0.t) } ?? "—",
                    test.map { String(format: "%.1f", $0.degreesOfFreedom) } ?? "—",
                    test.map { String(format: "%.3g", $0.p) } ?? "— (fewer than two values or no spread)",
                    test.map { $0.p < WelchTest.significanceLevel ? "significant" : "not significant" } ?? "no test",
                ])
            }
        }
        if !rows.isEmpty {
            page.addTable(
                header: ["metric", "best setting", "against", "t", "df", "p (two-sided)", "at p < 0.05"], rows: rows)
        }
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
