import Foundation
import Testing

/// A study's inputs that crashed runexp or counted one run as several samples (issue 30, items 5
/// and 7): a grid key given twice, repeated seeds and grid values, a folder named to `compare`
/// more than once, and metrics too large to square.
struct StudyInputTests {
    func scratch() throws -> Scratch { try SweepCommandTests().scratch() }

    /// A finished one-epoch run of the tiny spec in `name`.
    func train(_ name: String, in scratch: Scratch) throws {
        let outcome = try RunexpBinary.run(["tiny.yaml", "--set", "train.epochs=1", "--out", name], in: scratch.url)
        try #require(outcome.status == 0, "\(outcome.stderr)")
    }

    /// Copies the run `from` to `to` with its `validation_mse` written as `value` (JSON text, which
    /// may be out of a double's range) and, when given, its resolved epochs changed to `epochs`.
    func copy(_ from: String, to: String, validationMSE value: String, epochs: Int? = nil, in scratch: Scratch) throws {
        try FileManager.default.copyItem(atPath: scratch.path(from), toPath: scratch.path(to))
        let metrics = scratch.url.appendingPathComponent("\(to)/metrics.json")
        var members = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: metrics)) as? [String: Any])
        members["validation_mse"] = "VALUE"
        let text = String(decoding: try JSONSerialization.data(withJSONObject: members), as: UTF8.self)
        try text.replacingOccurrences(of: "\"VALUE\"", with: value).write(
            to: metrics, atomically: true, encoding: .utf8)
        if let epochs {
            let resolved = scratch.url.appendingPathComponent("\(to)/resolved.yaml")
            let text = try String(contentsOf: resolved, encoding: .utf8)
            try text.replacingOccurrences(of: "  epochs: 1 ", with: "  epochs: \(epochs) ").write(
                to: resolved, atomically: true, encoding: .utf8)
        }
    }

    /// The `validation_mse` rows of a summary.csv, split into fields.
    func validationRows(_ scratch: Scratch, _ folder: String) throws -> [[String]] {
        let csv = try String(contentsOf: scratch.url.appendingPathComponent("\(folder)/summary.csv"), encoding: .utf8)
        return csv.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        .filter { $0.contains("validation_mse") }
    }

    @Test func aGridKeyGivenTwiceIsAUsageErrorNamingTheKeyBeforeAnyFolderIsMade() throws {
        let scratch = try scratch()
        let outcome = try RunexpBinary.run(
            ["sweep", "tiny.yaml", "--grid", "train.batch_size=10", "--grid", "train.batch_size=20", "--out", "study"],
            in: scratch.url)
        #expect(!outcome.signaled, "\(outcome.stderr.prefix(300))")
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("'train.batch_size' twice"), "\(outcome.stderr.prefix(300))")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("study")))
    }

    @Test func repeatedSeedsAreAUsageErrorNamingTheSeed() throws {
        let scratch = try scratch()
        let outcome = try RunexpBinary.run(
            ["sweep", "tiny.yaml", "--seeds", "0,3,0", "--out", "study"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("seed 0 more than once"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("study")))
    }

    @Test func aRepeatedGridValueIsAUsageErrorNamingTheValue() throws {
        let scratch = try scratch()
        let outcome = try RunexpBinary.run(
            ["sweep", "tiny.yaml", "--grid", "train.batch_size=10,20,10", "--out", "study"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("'train.batch_size' the value 10 more than once"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("study")))
    }

    /// `runexp-fuzz --target study` found both: a seed beyond a signed 64-bit integer crashed
    /// writing study.json (only the first seed met the spec's check), and a negative one crashed
    /// reading it back.
    @Test func aSeedBeyondTheSpecsRangeIsAUsageErrorNotACrash() throws {
        let scratch = try scratch()
        let outcome = try RunexpBinary.run(
            ["sweep", "tiny.yaml", "--seeds", "0,18446744073709551615", "--out", "study"], in: scratch.url)
        #expect(!outcome.signaled, "\(outcome.stderr.prefix(300))")
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains("seed 18446744073709551615 is too large: a seed is a whole number from 0 to "),
            "\(outcome.stderr.prefix(300))")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("study")))
    }

    @Test func aNegativeSeedInStudyJsonIsRefusedOnResumeNamingTheFile() throws {
        let scratch = try scratch()
        try scratch.write(
            "study/study.json",
            """
            {"engine": "local", "grid": [], "seeds": [-1], "set": [], "spec": "tiny.yaml",
             "trials": [{"folder": "trial-000", "index": 0, "seed": -1, "status": "complete"}]}
            """)
        let outcome = try RunexpBinary.run(["sweep", "--resume", "study"], in: scratch.url)
        #expect(!outcome.signaled, "\(outcome.stderr.prefix(300))")
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains("study.json's seeds must be whole numbers from 0 to 9223372036854775807; found -1"),
            "\(outcome.stderr.prefix(300))")
    }

    @Test func compareCountsAFolderNamedThreeTimesOnceAndSaysSo() throws {
        let scratch = try scratch()
        try train("a", in: scratch)
        try copy("a", to: "b", validationMSE: "0.5", in: scratch)
        let outcome = try RunexpBinary.run(["compare", "a", "a", "./a", "b", "--out", "cmp"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("a is named 3 times; counted once"), "\(outcome.stderr)")
        #expect(try validationRows(scratch, "cmp").map { $0[1] } == ["2"])
    }

    @Test func compareCountsATrialNamedBesideItsStudyOnce() throws {
        let scratch = try scratch()
        let sweep = try RunexpBinary.run(
            ["sweep", "tiny.yaml", "--seeds", "0-1", "--set", "train.epochs=1", "--out", "study"], in: scratch.url)
        try #require(sweep.status == 0, "\(sweep.stderr)")
        let outcome = try RunexpBinary.run(["compare", "study", "study/trial-000", "--out", "cmp"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("trial-000 is named 2 times; counted once"), "\(outcome.stderr)")
        #expect(try validationRows(scratch, "cmp").map { $0[1] } == ["2"])
    }

    @Test func aTrialFolderThatIsALinkToARunElsewhereIsLeftOutOfTheSummaryAndCompare() throws {
        let scratch = try scratch()
        let sweep = try RunexpBinary.run(
            ["sweep", "tiny.yaml", "--seeds", "0-2", "--set", "train.epochs=1", "--out", "study"], in: scratch.url)
        try #require(sweep.status == 0, "\(sweep.stderr)")
        try train("a", in: scratch)
        try copy("a", to: "outside", validationMSE: "1000", in: scratch)
        let trial = scratch.path("study/trial-002")
        try FileManager.default.removeItem(atPath: trial)
        try FileManager.default.createSymbolicLink(atPath: trial, withDestinationPath: scratch.path("outside"))
        let compared = try RunexpBinary.run(["compare", "study", "a", "--out", "cmp"], in: scratch.url)
        #expect(compared.status == 0, "\(compared.stderr)")
        #expect(compared.stderr.contains("trial-002 is a link to "), "\(compared.stderr)")
        #expect(try validationRows(scratch, "cmp").map { $0[1] } == ["3"])
        let resumed = try RunexpBinary.run(["sweep", "--resume", "study"], in: scratch.url)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("trial-002 is a link to "), "\(resumed.stderr)")
        #expect(try validationRows(scratch, "study").map { $0[1] } == ["2"])
    }

    @Test func compareOfSixHundredFoldersTakesSecondsNotMinutes() throws {
        let scratch = try scratch()
        try train("a", in: scratch)
        var names: [String] = []
        for index in 0..<600 {
            let name = "r\(index)"
            try FileManager.default.createDirectory(atPath: scratch.path(name), withIntermediateDirectories: true)
            for file in ["resolved.yaml", "run.json", "metrics.json"] {
                try FileManager.default.copyItem(
                    atPath: scratch.path("a/\(file)"), toPath: scratch.path("\(name)/\(file)"))
            }
            names.append(name)
        }
        let start = Date()
        // Searching every run's values for every key of every run took about a minute here.
        let outcome = try RunexpBinary.run(["compare"] + names, in: scratch.url, timeout: 120)
        #expect(outcome.status == 0, "\(outcome.stderr.suffix(300))")
        #expect(
            Date().timeIntervalSince(start) < 20, "compare of 600 folders took \(Date().timeIntervalSince(start)) s")
    }

    @Test func compareOfHugeFiniteMetricsComputesTheirStatisticsWithoutOverflow() throws {
        let scratch = try scratch()
        try train("a", in: scratch)
        for (name, value, epochs) in [
            ("p", "1e308", 1), ("q", "-1e308", 1), ("r", "1e308", 1), ("s", "1.7e308", 3), ("t", "1.6e308", 3),
        ] {
            try copy("a", to: name, validationMSE: value, epochs: epochs, in: scratch)
        }
        let outcome = try RunexpBinary.run(["compare", "p", "q", "r", "s", "t", "--out", "cmp"], in: scratch.url)
        #expect(!outcome.signaled, "\(outcome.stderr.suffix(300))")
        #expect(outcome.status == 0, "\(outcome.stderr.suffix(300))")
        let words = outcome.stdout.replacingOccurrences(of: "\n", with: " ")
        #expect(words.contains("best validation_mse: train.epochs=1 against train.epochs=3: "), "\(outcome.stdout)")
        #expect(words.contains("; t = "), "\(outcome.stdout)")
        let rows = try validationRows(scratch, "cmp")
        try #require(rows.count == 2, "\(rows)")
        // train.epochs, metric, n, mean, std, min, max, and the interval (its upper end is past
        // a double's range: inf).
        let first = rows[0].map { Double($0) }
        #expect(rows[0][0] == "1" && rows[0][2] == "3", "\(rows[0])")
        #expect(abs((first[3] ?? 0) / (1e308 / 3) - 1) < 1e-12, "mean \(rows[0])")
        #expect(abs((first[4] ?? 0) / (1e308 * (4.0 / 3).squareRoot()) - 1) < 1e-12, "std \(rows[0])")
        #expect(first[5] == -1e308 && first[6] == 1e308, "\(rows[0])")
        #expect(outcome.stdout.count < 1000, "the table writes out 309-digit numbers: \(outcome.stdout)")
    }

    /// `runexp-fuzz --target compare --seed 1`, iterations 98383, 281852, 763423, 796469 and 953539:
    /// the std of 1.7e308 and -1.7e308 is beyond a double (inf), and Welch's test then gave df and
    /// p as NaN.
    @Test func compareOfMetricsWhoseSpreadIsBeyondADoubleGivesAWelchTestNotNaN() throws {
        let scratch = try scratch()
        try train("a", in: scratch)
        for (name, value, epochs) in [("p", "1.7e308", 1), ("q", "-1.7e308", 1), ("s", "0.05", 3), ("t", "0.06", 3)] {
            try copy("a", to: name, validationMSE: value, epochs: epochs, in: scratch)
        }
        let outcome = try RunexpBinary.run(["compare", "p", "q", "s", "t", "--width", "200"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr.suffix(300))")
        let line = outcome.stdout.split(separator: "\n").first { $0.hasPrefix("best validation_mse: ") }
        #expect(
            line?.hasPrefix("best validation_mse: train.epochs=1 against train.epochs=3: ") == true
                && line?.contains("; t = ") == true,
            "\(outcome.stdout)")
        #expect(line?.contains("nan") == false, "\(outcome.stdout)")
    }

    @Test func compareLeavesANonFiniteMetricOutOfItsStatisticsAndSaysWhose() throws {
        let scratch = try scratch()
        try train("a", in: scratch)
        try copy("a", to: "b", validationMSE: "1e400", in: scratch)
        try copy("a", to: "c", validationMSE: "0.25", in: scratch)
        let outcome = try RunexpBinary.run(["compare", "a", "b", "c", "--out", "cmp"], in: scratch.url)
        #expect(!outcome.signaled, "\(outcome.stderr.suffix(300))")
        #expect(outcome.status == 0, "\(outcome.stderr.suffix(300))")
        #expect(
            outcome.stderr.contains("b/metrics.json: validation_mse is not a finite number; left out"),
            "\(outcome.stderr.suffix(300))")
        #expect(try validationRows(scratch, "cmp").map { $0[1] } == ["2"])
    }
}
