import Data
import Foundation
import Report

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
        if !images.isEmpty || !unmatchedImages.isEmpty {
            var table = TextTable(["image", "PSNR"], alignments: [.left, .right])
            for image in images { table.add([image.path, psnrText(image.psnr)]) }
            for path in unmatchedImages { table.add([path, "only in one run"]) }
            sections.append("images:\n" + table.render())
        }
        sections.append(identical ? "identical" : "different" + (arithmeticNote.map { ": \($0)" } ?? ""))
        return sections.joined(separator: "\n\n")
    }

    func psnrText(_ psnr: Double?) -> String {
        guard let psnr else { return "sizes differ" }
        return psnr.isInfinite ? "∞ (identical)" : String(format: "%.2f dB", psnr)
    }

    private func number(_ value: Double?) -> String {
        value.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String(format: "%.6g", $0) } ?? "—"
    }

    /// The same comparison as a self-contained page, with each shared image beside the other run's
    /// and their amplified difference.
    public func writeHTML(to path: String) throws {
        try AtomicFile.checkDestination(path)
        var page = HTMLReport(title: "runexp diff")
        page.addPreformatted(text, heading: "Comparison")
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

    private func difference(_ a: NumericArray, _ b: NumericArray) throws -> NumericArray {
        let bytes = zip(a.bytes, b.bytes).map { UInt8(min(255, 4 * abs(Int($0) - Int($1)))) }
        return try NumericArray(shape: a.shape, dtype: .uint8, bytes: bytes)
    }
}

private func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
