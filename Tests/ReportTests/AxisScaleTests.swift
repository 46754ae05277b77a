import Testing

@testable import Report

@Test func linearTicksUseOneTwoFiveStepsAndCoverTheData() {
    let scale = AxisScale.linear(covering: [0.013, 0.087])
    #expect(scale.step == 0.02)
    #expect(scale.lower <= 0.013 && scale.upper >= 0.087)
    #expect(scale.ticks.map(scale.label) == ["0", "0.02", "0.04", "0.06", "0.08", "0.10"])
}

@Test func linearTicksForStepsAreWholeNumbers() {
    let scale = AxisScale.linear(covering: [0, 4690], targetTicks: 8)
    #expect(scale.step == 1000)
    #expect(scale.ticks.map(scale.label) == ["0", "1000", "2000", "3000", "4000", "5000"])
}

@Test func constantValuesGetARangeAroundThem() {
    let scale = AxisScale.linear(covering: [3, 3, 3])
    #expect(scale.lower < 3 && scale.upper > 3)
    #expect(scale.fraction(3).map { abs($0 - 0.5) < 1e-9 } == true)
    let zero = AxisScale.linear(covering: [0])
    #expect(zero.lower < 0 && zero.upper > 0)
}

@Test func emptyOrAllNaNValuesGiveTheUnitRange() {
    for values in [[], [Double.nan, .infinity]] {
        let scale = AxisScale.linear(covering: values)
        #expect(scale.lower == 0 && scale.upper == 1)
    }
}

@Test func logarithmicTicksAreDecadesWithTwoAndFiveWhenFew() {
    let scale = AxisScale.logarithmic(covering: [0.004, 0.06, -1, 0])
    #expect(scale.lower == 0.001 && scale.upper == 0.1)
    #expect(scale.ticks.map(scale.label) == ["0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1"])
    #expect(scale.fraction(-1) == nil)
}

@Test func logarithmicTicksThinOutOverManyDecades() {
    let scale = AxisScale.logarithmic(covering: [1e-9, 1e3])
    #expect(scale.ticks.count <= 7)
    #expect(scale.ticks.map(scale.label).first == "1e-9")
}

@Test func hugeValuesGetExponentLabels() {
    let scale = AxisScale.linear(covering: [0, 3e7])
    #expect(scale.ticks.map(scale.label).contains("1e7"))
}

@Test func aStepAxisEndsAtTheLastStepWithTicksInside() {
    let scale = AxisScale.tight(covering: Array(1...162).map(Double.init))
    #expect(scale.lower < 1 && scale.lower > -3 && scale.upper > 162 && scale.upper < 166)
    #expect(scale.ticks.map(scale.label) == ["20", "40", "60", "80", "100", "120", "140", "160"])
}

@Test func anEpochAxisHasOnlyWholeEpochTicks() {
    let scale = AxisScale.tight(covering: [1, 2, 3])
    #expect(scale.ticks == [1, 2, 3])
    #expect(scale.ticks.map(scale.label) == ["1", "2", "3"])
}

@Test func aFixedRangeIsKeptWhateverTheData() {
    let scale = AxisScale.fixed(0...1)
    #expect(scale.lower == 0 && scale.upper == 1)
    #expect(scale.fraction(0.5) == 0.5)
    #expect(scale.ticks.first == 0 && scale.ticks.last == 1)
}
