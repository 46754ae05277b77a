import Testing

@testable import Report

@Test func smoothingKeepsAConstantConstantToTheEnds() {
    let smoothed = Smoothing.centredExponentialAverage([2, 2, 2, 2], weight: 0.9)
    #expect(smoothed.allSatisfy { abs($0 - 2) < 1e-12 })
}

@Test func smoothingDoesNotLagBehindATrend() {
    // A running average of a rising line sits below it; a centred one sits on it where both sides
    // are alike.
    let line = (0...100).map(Double.init)
    let smoothed = Smoothing.centredExponentialAverage(line, weight: 0.9)
    #expect(abs(smoothed[50] - 50) < 1e-9)
    #expect(smoothed[100] < 100 && smoothed[100] > 90)
}

@Test func smoothingKeepsNaNInPlaceWithoutSpreadingIt() {
    let smoothed = Smoothing.centredExponentialAverage([1, .nan, 3], weight: 0.5)
    #expect(smoothed[1].isNaN)
    // Each end weighs itself 1 and the other 0.25.
    #expect(abs(smoothed[0] - (1 + 0.25 * 3) / 1.25) < 1e-12)
    #expect(abs(smoothed[2] - (3 + 0.25 * 1) / 1.25) < 1e-12)
}

@Test func thinningKeepsEnvelopeAndGapsOfLongCurves() {
    // 1000 points over 10 columns: each column keeps at most first, lowest, highest and last
    var positions: [(x: Double, y: Double)?] = (0..<1000).map { index in
        (Double(index) / 100, Double(index % 37))
    }
    positions[500] = nil
    let kept = LineDecimation.keptIndices(positions, left: 0, columns: 10)
    #expect(kept.count <= 10 * 4 + 4 + 1)
    #expect(kept.contains(500))
    #expect(kept == kept.sorted())
    let ys = kept.compactMap { positions[$0]?.y }
    #expect(ys.min() == 0 && ys.max() == 36)
}

@Test func shortCurvesAreNotThinned() {
    let positions: [(x: Double, y: Double)?] = (0..<30).map { (Double($0), 1) }
    #expect(LineDecimation.keptIndices(positions, left: 0, columns: 100) == Array(0..<30))
}
