import Data
import Foundation
import Report
import RunFolder
import Runner

extension RunDiff {
    /// The comparison as terminal text, ending with `identical` or `different` (and why the bits may
    /// differ, when the runs used other kernels or threads).
    public var text: String {
        var sections: [String] = ["A: \(a)\nB: \(b)"]
        if !specChanges.isEmpty {
            var table = TextTable(["spec key", "A", "B"], alignments: [.left, .left, .left])
            for change in specChanges { table.add([change.key, change.a ?? "—", change.b ?? "—"]) }
            sections.append("spec values that differ:\n" + table.render())
        }
        if !environment.isEmpty {
            var table = TextTable(["run fact", "A", "B"], alignments: [.left, .left, .left])
            for change in environment { table.add([change.key, change.a ?? "—", change.b ?? "—"]) }
            sections.append("environment:\n" + table.render())
        }
        var metricTable = TextTable(
            ["metric", "A", "B", "B − A", "relative", ""],
            alignments: [.left, .right, .right, .right, .right, .left])
        for metric in metrics {
            let delta = zip2(metric.a, metric.b).map { $1 - $0 }
            let relative = zip2(metric.a, metric.b).map { a, b in a == b ? 0 : abs(b - a) / max(abs(a), abs(b)) }
            metricTable.add([
                metric.key, number(metric.a), number(metric.b), number(delta),
                relative.map { String(format: "%.2e", $0) } ?? "—", metric.differs ? "differs" : "",
            ])
        }
        for change in textMetrics {
            metricTable.add([change.key, change.a ?? "—", change.b ?? "—", "", "", "differs"])
        }
        sections.append("metrics:\n" + metricTable.render())
        if let imagesNotCompared {
            sections.append("images: not compared: \(imagesNotCompared)")
        } else if !images.isEmpty || !unmatchedImages.isEmpty {
            var table = TextTable(["image", "PSNR"], alignments: [.left, .right])
            for image in images { table.add([image.path, psnrText(image.psnr)]) }
            for path in unmatchedImages { table.add([path, "only in one run"]) }
            sections.append("images:\n" + table.render())
        }
        sections.append(verdict)
        return sections.joined(separator: "\n\n")
    }

    func psnrText(_ psnr: Double?) -> String {
        guard let psnr else { return "sizes differ" }
        return psnr.isInfinite ? "∞ (identical)" : String(format: "%.2f dB", psnr)
    }

    private func number(_ value: Double?) -> String {
        value.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String(format: "%.6g", $0) } ?? "—"
    }

    /// The same comparison as a self-contained page: tables of the spec values, the environment
    /// and the metrics (with bars), both runs' loss curves overlaid per phase, and each image the
    /// two runs drew of the same inputs beside the other's and their amplified difference.
    public func writeHTML(to path: String) throws {
        try AtomicFile.checkDestination(path)
        var page = HTMLReport(title: "runexp diff")
        page.addFacts([("A", a), ("B", b), ("verdict", verdict)], heading: "Runs")
        if !specChanges.isEmpty {
            page.addTable(
                header: ["spec key", "A", "B"], rows: specChanges.map { [$0.key, $0.a ?? "—", $0.b ?? "—"] },
                heading: "Spec values that differ")
        }
        if !environment.isEmpty {
            page.addTable(
                header: ["run fact", "A", "B"], rows: environment.map { [$0.key, $0.a ?? "—", $0.b ?? "—"] },
                heading: "Environment")
        }
        page.addBarTable(
            header: ["metric", "A", "B", "relative difference"],
            rows: metrics.map { metric in
                let relative = zip2(metric.a, metric.b).map { x, y in x == y ? 0 : abs(y - x) / max(abs(x), abs(y)) }
                return (
                    metric.key, [metric.a, metric.b],
                    (relative.map { String(format: "%.2e", $0) } ?? "—") + (metric.differs ? " differs" : "")
                )
            }, heading: "Metrics (bars: each metric's two values against the larger)")
        for (phase, plot) in try curves() {
            try page.addSVG(
                try plot.render(.svg),
                caption: "\(phase): both runs' loss per logged step (smoothed: centred exponential average)")
        }
        if let imagesNotCompared {
            page.addParagraph("Images not compared: \(imagesNotCompared).")
        }
        for image in images where image.a.shape == image.b.shape {
            let panels = try [image.a, image.b, difference(image.a, image.b)].map { array in
                try GridImage(height: array.shape[0], width: array.shape[1], channels: 3, bytes: array.bytes)
            }
            let grid = ImageGrid(rows: [.init(label: nil, images: panels)], scale: 1, gap: 4)
            try page.addPNG(
                try grid.pngBytes(), caption: "\(image.path): A, B, |A − B| ×4 — PSNR \(psnrText(image.psnr))")
        }
        try page.write(to: path)
    }

    /// `identical`, or `different` and why the bits may differ.
    var verdict: String { identical ? "identical" : "different" + (arithmeticNote.map { ": \($0)" } ?? "") }

    /// One plot per phase either run logged: A's and B's smoothed loss against the epochs trained
    /// (two runs of different batch sizes take different steps for the same epochs), or against
    /// the steps where a run has not finished an epoch.
    func curves() throws -> [(phase: String, plot: LinePlot)] {
        let runs = [("A", a), ("B", b)].map { name, folder in
            let text = (try? String(contentsOfFile: "\(folder)/metrics.jsonl", encoding: .utf8)) ?? ""
            let records = MetricsRecord.records(text)
            // An epoch record is written after the epoch's last step: the first gives the steps per epoch.
            let perEpoch = records.first { $0.kind == .epoch }.map { Double(max($0.step, 1)) }
            return (name, records.filter { $0.kind == .step }, perEpoch)
        }
        let phases = Set(runs.flatMap { $0.1.flatMap(\.losses.keys) }).sorted()
        let inEpochs = runs.allSatisfy { $0.2 != nil }
        return phases.map { phase in
            var plot = LinePlot(
                title: "\(phase) loss, A against B", xLabel: inEpochs ? "epoch" : "step", yLabel: "loss")
            for (index, (name, steps, perEpoch)) in runs.enumerated() {
                let points = steps.compactMap { record in
                    record.losses[phase].map { (Double(record.step) / (inEpochs ? perEpoch ?? 1 : 1), $0) }
                }
                plot.add(
                    .init(
                        name: name, x: points.map(\.0), y: Smoothing.centredExponentialAverage(points.map(\.1)),
                        color: PlotColor.palette(index)))
            }
            return (phase, plot)
        }
    }

    private func difference(_ a: NumericArray, _ b: NumericArray) throws -> NumericArray {
        let bytes = zip(a.bytes, b.bytes).map { UInt8(min(255, 4 * abs(Int($0) - Int($1)))) }
        return try NumericArray(shape: a.shape, dtype: .uint8, bytes: bytes)
    }
}

private func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
