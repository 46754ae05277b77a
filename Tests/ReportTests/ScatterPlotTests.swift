import Data
import Foundation
import Testing

@testable import Report

private func ring(count: Int) -> (x: [Double], y: [Double], labels: [Int]) {
    let labels = (0..<count).map { $0 % 10 }
    let x = (0..<count).map { index in 10 * cos(Double(labels[index]) * 0.628) + Double(index % 7) * 0.3 }
    let y = (0..<count).map { index in 10 * sin(Double(labels[index]) * 0.628) + Double(index % 5) * 0.3 }
    return (x, y, labels)
}

@Test func scatterWrittenTwiceIsByteIdenticalAsPNGAndSVG() throws {
    let points = ring(count: 2000)
    let plot = ScatterPlot(title: "t-SNE", x: points.x, y: points.y, labels: points.labels)
    #expect(try plot.render(.png) == plot.render(.png))
    #expect(try plot.render(.svg) == plot.render(.svg))
}

@Test func scatterSVGListsTheLabelValues() throws {
    let points = ring(count: 100)
    let plot = ScatterPlot(title: "codes", x: points.x, y: points.y, labels: points.labels, labelNames: [3: "three"])
    let svg = String(decoding: try plot.render(.svg), as: UTF8.self)
    #expect(svg.contains("<svg"))
    #expect(svg.contains("labelled 0, 1, 2, three, 4, 5, 6, 7, 8, 9"))
}

@Test func scatterColoursPointsByLabelWithTab10() throws {
    let folder = try makeScratchFolder()
    let path = folder + "/two.png"
    // two tight clusters: label 0 (tab10 blue) on the left, label 1 (tab10 orange) on the right
    let x = (0..<200).map { $0 < 100 ? 0.0 : 10.0 }
    let y = (0..<200).map { _ in 0.0 }
    let labels = (0..<200).map { $0 < 100 ? 0 : 1 }
    try ScatterPlot(title: "", x: x, y: y, labels: labels, width: 400, height: 300, opacity: 1).write(.png, to: path)
    let image = try PNGImage.readRGB(path: path)
    let pixels = stride(from: 0, to: image.bytes.count, by: 3).map { Array(image.bytes[$0..<$0 + 3]) }
    #expect(pixels.contains([0x1f, 0x77, 0xb4]))
    #expect(pixels.contains([0xff, 0x7f, 0x0e]))
}

@Test func unlabelledScatterDrawsInOneColourWithoutLegend() throws {
    let points = ring(count: 300)
    let plain = ScatterPlot(title: "codes", x: points.x, y: points.y)
    let svg = String(decoding: try plain.render(.svg), as: UTF8.self)
    #expect(svg.contains("Scatter plot of 300 points</desc>"))
    let image = try plain.render(.png)
    #expect(pngDimensions(image)?.width == 700)
}

@Test func scatterSurvivesNoPointsAndNonFiniteCoordinates() throws {
    #expect(try !ScatterPlot(title: "empty", x: [], y: []).render(.png).isEmpty)
    let odd = ScatterPlot(title: "odd", x: [.nan, 1, .infinity, 2], y: [0, .nan, 1, 2], labels: [0, 1, 2, 3])
    for format in FigureFormat.allCases {
        #expect(try !odd.render(format).isEmpty)
    }
    #expect(try !ScatterPlot(title: "one", x: [4], y: [4]).render(.png).isEmpty)
}

@Test func scatterWithWrongLabelCountIsAnError() throws {
    let plot = ScatterPlot(title: "bad", x: [1, 2], y: [1, 2], labels: [0])
    #expect(throws: SourceError.self) { try plot.render(.png) }
}
