import Data
import Foundation
import Testing

@testable import Report

private func lossPlot() -> LinePlot {
    let steps = (0..<500).map(Double.init)
    var plot = LinePlot(title: "Training losses", xLabel: "step", yLabel: "loss")
    plot.add(.init(name: "reconstruction", x: steps, y: steps.map { 0.1 / (1 + $0 / 50) }))
    plot.add(.init(name: "discriminator", x: steps, y: steps.map { 0.6 + 0.05 * sin($0 / 20) }))
    plot.add(.init(name: "test", x: [0, 250, 499], y: [0.1, 0.02, 0.01], style: .lineWithMarkers))
    return plot
}

@Test func linePlotPNGHasTheRequestedSize() throws {
    let size = try #require(pngDimensions(try lossPlot().render(.png)))
    #expect(size.width == 800 && size.height == 500)
}

@Test func linePlotWrittenTwiceIsByteIdenticalAsPNGAndSVG() throws {
    let folder = try makeScratchFolder()
    for format in [FigureFormat.png, .svg] {
        try lossPlot().write(format, to: folder + "/first.\(format.rawValue)")
        try lossPlot().write(format, to: folder + "/second.\(format.rawValue)")
        let first = try readBytes(folder + "/first.\(format.rawValue)")
        #expect(!first.isEmpty)
        #expect(first == (try readBytes(folder + "/second.\(format.rawValue)")))
    }
}

@Test func linePlotPDFIsDeterministicDespiteCreationDate() throws {
    let first = try lossPlot().render(.pdf)
    #expect(first.starts(with: Array("%PDF".utf8)))
    #expect(first == (try lossPlot().render(.pdf)))
}

@Test func linePlotSVGIsAnSVGDocumentWithOutlinedLegendText() throws {
    let svg = String(decoding: try lossPlot().render(.svg), as: UTF8.self)
    #expect(svg.contains("<svg"))
    #expect(svg.contains("</svg>"))
    #expect(svg.contains("viewBox=\"0 0 800 500\""))
}

@Test func svgCarriesTheTitleAndLegendSeriesNamesAsText() throws {
    // Cairo draws text as glyph outlines; the names must still be in the file as text.
    let svg = String(decoding: try lossPlot().render(.svg), as: UTF8.self)
    #expect(svg.contains("<title>Training losses</title>"))
    #expect(svg.contains("reconstruction"))
    #expect(svg.contains("discriminator"))
}

@Test func plotPNGHasWhiteBackgroundAndSeriesColourInside() throws {
    let folder = try makeScratchFolder()
    let path = folder + "/flat.png"
    var plot = LinePlot(title: "", width: 400, height: 300)
    plot.add(.init(name: "flat", x: [0, 1], y: [0.5, 0.5], color: PlotColor(hex: 0xff0000)))
    try plot.write(.png, to: path)
    let image = try PNGImage.readRGB(path: path)
    #expect(Array(image.bytes[0..<3]) == [255, 255, 255])
    let width = image.shape[1]
    // only the left half: the legend's red swatch sits at the top right
    let redPixels = stride(from: 0, to: image.bytes.count, by: 3).filter { offset in
        offset / 3 % width < width / 2 && image.bytes[offset] > 200 && image.bytes[offset + 1] < 60
            && image.bytes[offset + 2] < 60
    }
    #expect(redPixels.count > 100)
    // a constant series sits in the middle of its padded range
    let rows = Set(redPixels.map { $0 / 3 / width })
    let middle = Double((rows.min() ?? 0) + (rows.max() ?? 0)) / 2
    #expect(abs(middle - Double(image.shape[0]) / 2) < 40)
}

@Test func linePlotSurvivesEmptyNaNSinglePointAndConstantSeries() throws {
    var plot = LinePlot(title: "edge cases", logarithmicY: false)
    plot.add(.init(name: "empty", x: [], y: []))
    plot.add(.init(name: "nan", x: [0, 1, 2, 3], y: [.nan, 1, .nan, .infinity]))
    plot.add(.init(name: "single", x: [5], y: [2]))
    plot.add(.init(name: "constant", x: [0, 1, 2], y: [3, 3, 3]))
    for format in FigureFormat.allCases {
        #expect(try !plot.render(format).isEmpty)
    }
    var onlyEmpty = LinePlot(title: "nothing", logarithmicY: true)
    onlyEmpty.add(.init(name: "empty", x: [], y: []))
    onlyEmpty.add(.init(name: "zeros", x: [0, 1], y: [0, -1]))
    #expect(try pngDimensions(onlyEmpty.render(.png))?.width == 800)
}

@Test func mismatchedSeriesLengthsAreAnErrorNamingTheSeries() throws {
    var plot = LinePlot(title: "bad")
    plot.add(.init(name: "short", x: [0, 1, 2], y: [1]))
    #expect(throws: SourceError("bad", "series 'short' has 3 x values but 1 y values")) { try plot.render(.png) }
}

@Test func tooSmallFigureIsAnErrorNotACrash() throws {
    let plot = LinePlot(title: "tiny", width: 30, height: 20)
    #expect(throws: SourceError.self) { try plot.render(.png) }
}

@Test func writeErrorsNameTheDestinationFile() throws {
    let folder = try makeScratchFolder()
    let path = folder + "/tiny.png"
    do {
        try LinePlot(title: "tiny", width: 30, height: 20).write(.png, to: path)
        Issue.record("expected an error")
    } catch let error as SourceError {
        #expect(error.source == path)
    }
}

/// The pixels of `png` whose blue exceeds their red by more than 20 (tab10's first colour, also
/// at 20% over white).
private func bluishPixels(_ png: [UInt8]) throws -> Int {
    let image = try PNGImage.readRGB(data: Data(png), source: "plot")
    var count = 0
    try image.withUnsafeElements(as: UInt8.self) { bytes in
        for start in stride(from: 0, to: bytes.count, by: 3) where Int(bytes[start + 2]) > Int(bytes[start]) + 20 {
            count += 1
        }
    }
    return count
}

@Test func aBandFillsTheAreaBetweenItsBoundsInTheSeriesColour() throws {
    let x = (0...10).map(Double.init)
    var plain = LinePlot(title: "band", xLabel: "epoch", yLabel: "mse")
    plain.add(.init(name: "mean", x: x, y: x.map { _ in 5 }))
    var banded = plain
    banded.series[0].band = (x.map { _ in 0 }, x.map { _ in 10 })
    let line = try bluishPixels(try plain.render(.png))
    let area = try bluishPixels(try banded.render(.png))
    // The band covers most of the plot area; the line alone is a thin stroke and a legend entry.
    #expect(area > 20 * line, "band \(area) bluish pixels, line alone \(line)")
}

@Test func aBandWithoutABoundPairPerPointIsRefusedNamingTheSeries() {
    var plot = LinePlot(title: "band")
    var series = LinePlot.Series(name: "mean", x: [0, 1, 2], y: [1, 2, 3])
    series.band = ([0, 1], [2, 3])
    plot.add(series)
    #expect {
        try plot.render(.svg)
    } throws: { error in
        "\(error)".contains("the band of series 'mean' does not have one bound pair per point")
    }
}

@Test func curvesWhoseTypicalValuesDifferByOverAHundredTimesGetALogAxis() {
    let steps: [Double] = [1, 2, 3]
    var far = LinePlot(title: "aae")
    far.add(.init(name: "reconstruction", x: steps, y: [0.006, 0.004, 0.004]))
    far.add(.init(name: "generator", x: steps, y: [3.1, 2.9, 3.0]))
    far.useLogarithmicYWhenCurvesDiffer()
    #expect(far.logarithmicY)
    var near = LinePlot(title: "vae")
    near.add(.init(name: "reconstruction", x: steps, y: [0.2, 0.1, 0.1]))
    near.add(.init(name: "kl", x: steps, y: [3, 2, 2]))
    near.useLogarithmicYWhenCurvesDiffer()
    #expect(!near.logarithmicY)
    // A value a log axis cannot show keeps the axis linear.
    var negative = far
    negative.logarithmicY = false
    negative.add(.init(name: "critic", x: steps, y: [-1, 0.5, 0.6]))
    negative.useLogarithmicYWhenCurvesDiffer()
    #expect(!negative.logarithmicY)
}
