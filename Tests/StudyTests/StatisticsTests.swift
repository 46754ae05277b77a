import Testing

@testable import Study

/// The statistics a study reports, against values SciPy 1.17 gives for the same samples
/// (`scipy.stats.t.ppf`, `t.sf`, `ttest_ind(equal_var=False)`).
struct StatisticsTests {
    let a = [0.0124, 0.0127, 0.0121, 0.0125, 0.0123]
    let b = [0.0131, 0.0129, 0.0135, 0.0130, 0.0133]

    func close(_ x: Double, _ y: Double, _ tolerance: Double = 1e-9) -> Bool {
        abs(x - y) <= tolerance * max(1, abs(y))
    }

    @Test func studentTQuantilesMatchSciPy() {
        #expect(close(StudentT.quantile(0.975, degreesOfFreedom: 4), 2.7764451051977934))
        #expect(close(StudentT.quantile(0.975, degreesOfFreedom: 1), 12.706204736174694))
        #expect(close(StudentT.quantile(0.975, degreesOfFreedom: 30), 2.0422724563012378))
    }

    @Test func studentTTailMatchesSciPyAtAFractionalDegreeOfFreedom() {
        #expect(close(StudentT.upperTail(2.5, degreesOfFreedom: 7.3), 0.019825117332800214))
    }

    @Test func aSummaryGivesTheMeanSampleStdAndTheTIntervalOfTheMean() {
        let summary = SampleSummary(a)
        #expect(summary.count == 5)
        #expect(close(summary.mean, 0.0124))
        #expect(summary.min == 0.0121 && summary.max == 0.0127)
        let interval = try! #require(summary.interval)
        #expect(close(interval.lowerBound, 0.012122355489480218))
        #expect(close(interval.upperBound, 0.012677644510519778))
    }

    @Test func oneValueHasNoSpreadAndNoInterval() {
        let summary = SampleSummary([0.5])
        #expect(summary.std == 0 && summary.interval == nil && summary.mean == 0.5)
    }

    @Test func welchsTestMatchesSciPy() throws {
        let test = try #require(WelchTest(a, b))
        #expect(close(test.t, -5.171145012542279))
        #expect(close(test.degreesOfFreedom, 7.956343792633016))
        #expect(close(test.p, 0.0008667668690582103, 1e-7))
        let uneven = try #require(WelchTest([1, 2, 3], [1.5, 2.5, 3.5, 10]))
        #expect(close(uneven.t, -1.18518743694843))
        #expect(close(uneven.degreesOfFreedom, 3.524402511497195))
        #expect(close(uneven.p, 0.30965760203847703, 1e-7))
    }

    @Test func theOutcomeIsSaidInPlainWordsAtTheFivePercentLevel() throws {
        #expect(try #require(WelchTest(a, b)).plainWords == "significant (p = 0.00087)")
        #expect(try #require(WelchTest([1, 2, 3], [1.5, 2.5, 3.5, 10])).plainWords == "not significant (p = 0.31)")
    }

    @Test func welchsTestNeedsTwoValuesOnEachSideAndSomeSpread() {
        #expect(WelchTest([1], [1, 2]) == nil)
        #expect(WelchTest([1, 1], [1, 1]) == nil)
    }
}

@Test func aSummaryIsWrittenToTheDecimalsOfTwoSignificantDigitsOfItsSpread() {
    // SciPy: mean 0.02005, std 0.000312, interval [0.019274, 0.020826]; mean 66.2, std 2.970,
    // interval [39.517, 92.883].
    #expect(StudyReport.describe(SampleSummary([0.0197, 0.0203, 0.02015])) == "0.02005 ± 0.00031 [0.01927, 0.02083]")
    #expect(StudyReport.describe(SampleSummary([64.1, 68.3])) == "66.2 ± 3.0 [39.5, 92.9]")
    #expect(StudyReport.describe(SampleSummary([0.0124])) == "0.0124")
    #expect(StudyReport.describe(SampleSummary([0.5, 0.5])).hasPrefix("0.5 ± 0 "))
}

/// summary.csv opened in a spreadsheet shows values, never runs them.
struct SummaryCSVTests {
    @Test func aGridValueASpreadsheetWouldRunAsAFormulaStaysText() {
        let link = "=HYPERLINK(\"http://x\",\"y\")"
        #expect(StudySummary.csvField(link) == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
        #expect(StudySummary.csvField("@SUM(A1)") == "\"'@SUM(A1)\"")
        #expect(StudySummary.csvField("+cmd") == "\"'+cmd\"")
    }

    @Test func numbersAndPlainTextAreWrittenAsTheyAre() {
        #expect(StudySummary.csvField("-0.5") == "-0.5")
        #expect(StudySummary.csvField("1.0e-3") == "1.0e-3")
        #expect(StudySummary.csvField("relu") == "relu")
        #expect(StudySummary.csvField("a,b") == "\"a,b\"")
    }
}
