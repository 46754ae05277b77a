import Data
import Foundation
import Testing

@testable import Report

private func sampleReport(spec: String = "name: cnn_ae\nseed: 0\n") throws -> HTMLReport {
    var report = HTMLReport(title: "cnn_ae, seed 0")
    report.addFacts([("status", "complete"), ("seed", "0")], heading: "Run")
    report.addPreformatted(spec, heading: "Spec")
    report.addTable(header: ["split", "MSE", "PSNR"], rows: [["train", "0.010"], ["test", "0.012", "19.2"]])
    var plot = LinePlot(title: "Losses", xLabel: "step", yLabel: "loss")
    plot.add(.init(name: "reconstruction", x: [0, 1, 2], y: [3, 2, 1]))
    try report.addSVG(try plot.render(.svg), caption: "Losses per step")
    try report.addSVG(try plot.render(.svg), caption: "Again")
    let grid = ImageGrid(rows: [
        .init(images: [try GridImage(height: 2, width: 2, channels: 1, bytes: [0, 255, 0, 255])])
    ])
    try report.addPNG(try grid.pngBytes(), caption: "reconstructions")
    return report
}

@Test func htmlEscapesScriptTagsInSpecText() throws {
    let html = try sampleReport(spec: "name: x</pre><script>alert('hi')</script>").html()
    #expect(!html.contains("<script"))
    #expect(html.contains("&lt;/pre&gt;&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt;"))
}

@Test func htmlEscapesFactsTableCellsCaptionsAndTitle() {
    var report = HTMLReport(title: "<b>title</b>")
    report.addFacts([("<i>", "\"quoted\" & more")])
    report.addTable(header: ["<th>"], rows: [["<td>"]])
    let html = report.html()
    #expect(!html.contains("<b>") && !html.contains("<i>") && !html.contains("<th><th>"))
    #expect(html.contains("&quot;quoted&quot; &amp; more"))
}

@Test func htmlMakesNoExternalReferences() throws {
    let html = try sampleReport().html()
    #expect(!html.contains("http://"))
    #expect(!html.contains("https://"))
    #expect(html.contains("default-src 'none'"))
}

@Test func htmlEmbedsPNGsAsDataURLsAndInlinesSVGs() throws {
    let html = try sampleReport().html()
    #expect(html.contains("<img src=\"data:image/png;base64,iVBORw0KGgo"))
    #expect(html.contains("<svg"))
    #expect(!html.contains("<?xml"))
    #expect(html.contains("<figcaption>Losses per step</figcaption>"))
}

@Test func inlinedSVGsGetDistinctIDs() throws {
    let html = try sampleReport().html()
    #expect(html.contains("id=\"figure1-glyph0-0\""))
    #expect(html.contains("id=\"figure2-glyph0-0\""))
    #expect(!html.contains("id=\"glyph0-0\""))
}

@Test func sectionsAppearInTheOrderAdded() throws {
    let html = try sampleReport().html()
    let order = ["<h2>Run</h2>", "<h2>Spec</h2>", "<table", "Losses per step", "reconstructions"]
    let positions = order.compactMap { html.range(of: $0)?.lowerBound }
    #expect(positions.count == order.count)
    #expect(positions == positions.sorted())
}

@Test func tableRowsArePaddedToTheWidestRow() throws {
    var report = HTMLReport(title: "t")
    report.addTable(header: ["a", "b", "c"], rows: [["1"]])
    #expect(report.html().contains("<tr><td>1</td><td></td><td></td></tr>"))
}

@Test func svgWithScriptIsRefused() throws {
    var report = HTMLReport(title: "t")
    let hostile = Array("<svg><script>alert(1)</script></svg>".utf8)
    #expect(throws: SourceError.self) { try report.addSVG(hostile, caption: "bad") }
    #expect(throws: SourceError.self) { try report.addPNG(Array("not a png".utf8), caption: "bad") }
}

@Test func reportWrittenTwiceIsByteIdentical() throws {
    let folder = try makeScratchFolder()
    try sampleReport().write(to: folder + "/a.html")
    try sampleReport().write(to: folder + "/b.html")
    #expect(try readBytes(folder + "/a.html") == readBytes(folder + "/b.html"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["a.html", "b.html"])
}
