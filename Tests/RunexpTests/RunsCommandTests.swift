import Foundation
import Testing
import Tools

/// `runexp runs` over a folder of real runs and a study, as a user runs it.
struct RunsCommandTests {
    /// Thirty runs and two studies, made once: six runs trained (three seeds × two batch sizes, one
    /// epoch each), each copied four times under other seeds with its test MSE moved (a week of
    /// runs without a week of training), a grid study of four trials and a random search of three.
    static let fixture: Result<URL, Error> = Result {
        let base = RunCommandTests.spec.replacingOccurrences(of: "epochs: 2", with: "epochs: 1")
        let folder = try RunCommandTests.workspace(base: base)
        for seed in 0..<3 {
            for batch in [25, 50] {
                let outcome = try RunexpBinary.run(
                    [
                        "tiny.yaml", "--seed", "\(seed)", "--set", "train.batch_size=\(batch)", "--out",
                        "results/b\(batch)-s\(seed)",
                    ],
                    in: folder)
                guard outcome.status == 0 else { throw RunsFixtureError(text: outcome.stderr) }
            }
        }
        try copyRuns(in: folder)
        let sweep = try RunexpBinary.run(
            ["sweep", "tiny.yaml", "--seeds", "0-1", "--grid", "train.batch_size=25,50", "--out", "results/study"],
            in: folder)
        guard sweep.status == 0 else { throw RunsFixtureError(text: sweep.stderr) }
        let search = try RunexpBinary.run(
            [
                "sweep", "tiny.yaml", "--random", "3", "--space",
                "phases.reconstruction.optimizer.adam.lr=loguniform(1e-3,1e-1)", "--out", "results/search",
            ], in: folder)
        guard search.status == 0 else { throw RunsFixtureError(text: search.stderr) }
        try (sweep.stdout + sweep.stderr).write(
            to: folder.appendingPathComponent("sweep.log"), atomically: true, encoding: .utf8)
        return folder
    }

    struct RunsFixtureError: Error { var text: String }

    /// Four copies of each trained run, seeds 10 and up, each test MSE 1–4% higher than its original's.
    static func copyRuns(in folder: URL) throws {
        let manager = FileManager.default
        for seed in 0..<3 {
            for batch in [25, 50] {
                let original = folder.appendingPathComponent("results/b\(batch)-s\(seed)")
                for copy in 1...4 {
                    let target = folder.appendingPathComponent("results/b\(batch)-s\(seed)-copy\(copy)")
                    try manager.copyItem(at: original, to: target)
                    try edit(target.appendingPathComponent("run.json")) { $0["seed"] = 10 * copy + seed }
                    try edit(target.appendingPathComponent("metrics.json")) { metrics in
                        metrics["test_mse"] = (metrics["test_mse"] as? Double ?? 0) * (1 + 0.01 * Double(copy))
                    }
                }
            }
        }
    }

    static func edit(_ url: URL, _ change: (inout [String: Any]) -> Void) throws {
        var members = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        change(&members)
        try JSONSerialization.data(withJSONObject: members, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }

    func runs(_ arguments: [String], columns: String? = nil) throws -> RunexpBinary.Outcome {
        try RunexpBinary.run(["runs"] + arguments, in: try Self.fixture.get(), environment: ["COLUMNS": columns])
    }

    func rows(_ arguments: [String]) throws -> [[String: Any]] {
        let outcome = try runs(arguments + ["--json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [[String: Any]])
    }

    func testMSE(_ row: [String: Any]) -> Double? { (row["metrics"] as? [String: Any])?["test_mse"] as? Double }

    @Test func sortingByTestMSEListsTheLowestFirstWithItsOverrides() throws {
        let rows = try rows(["--sort", "test_mse"])
        // Thirty runs, the two studies and their seven trials.
        #expect(rows.count == 39)
        #expect(rows.filter { $0["kind"] as? String == "study" }.count == 2)
        let values = rows.compactMap(testMSE)
        #expect(values.count == 39 && values == values.sorted(), "\(values)")
        let first = try #require(rows.first)
        let overrides = try #require(first["overrides"] as? [String: String])
        if first["kind"] as? String == "run" {
            #expect(["25", "50"].contains(overrides["train.batch_size"] ?? ""), "\(overrides)")
            // What the run's own resolved spec says.
            let folder = URL(fileURLWithPath: try #require(first["folder"] as? String))
            let resolved = try String(contentsOf: folder.appendingPathComponent("resolved.yaml"), encoding: .utf8)
            #expect(resolved.contains("batch_size: \(overrides["train.batch_size"]!)"))
        } else {
            // A study's overrides are the keys it varies: the grid's values, or the searched key.
            let searched = overrides["phases.reconstruction.optimizer.adam.lr"]
            #expect(overrides["train.batch_size"] == "25|50" || searched != nil, "\(overrides)")
        }
    }

    @Test func theTableFitsEightyAndTwoHundredColumns() throws {
        for (columns, width) in [("80", 80), ("200", 200)] {
            let outcome = try runs([], columns: columns)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let lines = outcome.stdout.split(separator: "\n")
            #expect(lines.count >= 11 + 3, "\(outcome.stdout)")
            #expect(lines.allSatisfy { $0.count <= width }, "\(outcome.stdout)")
            #expect(lines.first?.contains("test_mse") == true, "\(outcome.stdout)")
        }
        let narrow = try runs(["--width", "40"])
        #expect(narrow.stdout.split(separator: "\n").allSatisfy { $0.count <= 40 }, "\(narrow.stdout)")
        let words = narrow.stdout.replacingOccurrences(of: "\n", with: " ")
        #expect(words.contains("not shown in 40 columns: seed, status, overrides, seconds, date"), "\(narrow.stdout)")
    }

    @Test func filtersKeepTheRowsThatPassAndBadFiltersAreRefusedWithThePlace() throws {
        let all = try rows([])
        let values = all.compactMap(testMSE).sorted()
        // Between two values near the middle, so a digit lost in reading the JSON cannot move a row across.
        let step = try #require((values.count / 2..<values.count - 1).first { values[$0] < values[$0 + 1] })
        let middle = (values[step] + values[step + 1]) / 2
        let below = try rows(["--where", "test_mse<\(middle)", "--where", "status=complete"])
        #expect(below.count == values.filter { $0 < middle }.count)
        #expect(below.allSatisfy { (testMSE($0) ?? 1) < middle })
        let studies = try rows(["--where", "kind=study"])
        #expect(studies.count == 2)
        let batch = try rows(["--where", "train.batch_size=25", "--where", "kind=run"])
        #expect(batch.count == 3 * 5 + 2, "\(batch)")

        let misspelt = try runs(["--where", "tset_mse<0.1"])
        #expect(misspelt.status == 2)
        #expect(
            misspelt.stderr.contains("--where 'tset_mse<0.1': no column 'tset_mse'; did you mean 'test_mse'?"),
            "\(misspelt.stderr)")
        let malformed = try runs(["--where", "test_mse<<0.1"])
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("--where 'test_mse<<0.1': character 10"), "\(malformed.stderr)")
        let noComparison = try runs(["--where", "test_mse"])
        #expect(
            noComparison.status == 2 && noComparison.stderr.contains("expected COLUMN OP VALUE"),
            "\(noComparison.stderr)")
        let sort = try runs(["--sort", "test_mes"])
        #expect(sort.status == 2 && sort.stderr.contains("did you mean 'test_mse'?"), "\(sort.stderr)")
    }

    @Test func theOverridesAreTheSetAndDeterminismArgumentsOfTheRunsCommandLine() {
        let command = [
            "/bin/runexp", "tiny.yaml", "--seed", "3", "--set", "phases.0.optimizer.adam.lr=0.01",
            "--set=train.epochs=2",
            "--determinism", "portable", "--out", "x", "--set", "not-a-key-value",
        ]
        let overrides = RunsTable.overrides(command)
        #expect(overrides.map(\.key) == ["phases.0.optimizer.adam.lr", "train.epochs", "determinism"])
        #expect(overrides.map(\.value) == ["0.01", "2", "portable"])
    }

    @Test func aFolderWithoutRunsGivesAnEmptyTableAndAMissingFolderIsRefused() throws {
        let scratch = try RunCommandTests.workspace()
        try FileManager.default.createDirectory(
            at: scratch.appendingPathComponent("results/empty"), withIntermediateDirectories: true)
        let empty = try RunexpBinary.run(["runs", "--width", "80"], in: scratch)
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout.hasSuffix("0 runs, 0 studies\n"), "\(empty.stdout)")
        let missing = try RunexpBinary.run(["runs", "nowhere"], in: scratch)
        #expect(missing.status == 2 && missing.stderr.contains("nowhere: no such folder"), "\(missing.stderr)")
    }

    @Test func theCSVHasTheTableColumns() throws {
        let outcome = try runs(["--csv", "--metrics", "test_mse,validation_mse"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.first == "name,seed,status,overrides,test_mse,validation_mse,seconds,date")
        #expect(lines.count == 40)
    }

    @Test func thePageLinksEveryRowsReport() throws {
        let folder = try Self.fixture.get()
        let outcome = try runs(["--html", "pages/runs.html"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let page = try String(contentsOf: folder.appendingPathComponent("pages/runs.html"), encoding: .utf8)
        let links = page.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(links.count == 39, "\(links)")
        #expect(links.contains("../results/study/report.html"))
        for link in links {
            #expect(link.hasPrefix("../results/") && link.hasSuffix("/report.html"))
            let target = folder.appendingPathComponent("pages").appendingPathComponent(link).standardized
            #expect(FileManager.default.fileExists(atPath: target.path), "\(link)")
        }
        #expect(page.contains("<script>") && page.contains("script-src 'unsafe-inline'"))
    }

    @Test func theStudySaysWhetherItsBestIsSeparatedFromTheNextLinksTrialsAndDrawsOneEpochAsBars() throws {
        let folder = try Self.fixture.get()
        let verdict = /(not )?significant \(p = [0-9.e+-]+\)/
        let log = try String(contentsOf: folder.appendingPathComponent("sweep.log"), encoding: .utf8)
        let line = try #require(log.split(separator: "\n").first { $0.contains("best test_mse: ") }, "\(log)")
        #expect(line.contains("; against the next, train.batch_size=") && line.contains(verdict), "\(line)")
        let page = try String(
            contentsOf: folder.appendingPathComponent("results/study/report.html"), encoding: .utf8)
        #expect(page.contains("Best test_mse: train.batch_size="), "\(page)")
        #expect(page.contains("Against the next, train.batch_size=") && page.contains(verdict))
        for trial in 0..<4 {
            let name = "trial-00\(trial)"
            #expect(page.contains("<td><a href=\"\(name)/report.html\">\(name)</a></td>"), "\(name)")
        }
        #expect(
            page.contains("Per-epoch metrics of a one-epoch study") && page.contains("<table class=\"metrics bars\">"))
        #expect(!page.contains("per epoch of each setting"), "a one-epoch study drew lone dots")
    }

    @Test func compareSetsApartARunOfAnotherSpecAndFitsTheTerminal() throws {
        let folder = try Self.fixture.get()
        let scratch = try RunCommandTests.workspace()
        let names = ["b25-s0", "b25-s1", "b50-s0", "b50-s1"]
        for name in names {
            try FileManager.default.copyItem(
                at: folder.appendingPathComponent("results/\(name)"), to: scratch.appendingPathComponent(name))
        }
        try FileManager.default.copyItem(
            at: folder.appendingPathComponent("results/b25-s2"), to: scratch.appendingPathComponent("other"))
        let resolved = scratch.appendingPathComponent("other/resolved.yaml")
        let text = try String(contentsOf: resolved, encoding: .utf8)
        try text.replacingOccurrences(of: "name: tiny_ae", with: "name: other").write(
            to: resolved, atomically: true, encoding: .utf8)
        for width in [60, 200] {
            let outcome = try RunexpBinary.run(
                ["compare"] + names + ["other", "--width", "\(width)"], in: scratch)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout.hasPrefix("grouped by: train.batch_size\n"), "\(outcome.stdout)")
            #expect(outcome.stdout.contains("not compared, 1 run:"), "\(outcome.stdout)")
            let words = outcome.stdout.replacingOccurrences(of: "\n", with: " ")
            #expect(words.contains("another spec (name other, not tiny_ae)"), "\(outcome.stdout)")
            #expect(outcome.stdout.split(separator: "\n").allSatisfy { $0.count <= width }, "\(outcome.stdout)")
        }
    }
}
