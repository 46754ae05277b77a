import Foundation
import Testing

@testable import Runner
@testable import Tools

/// `runexp diff A B` on real result directories.
struct DiffCommandTests {
    /// A workspace with runs made by `runs` (each: folder name, extra arguments).
    func runs(_ runs: [(String, [String])]) throws -> URL {
        let folder = try RunCommandTests.workspace()
        for (name, extra) in runs {
            let outcome = try RunexpBinary.run(
                ["tiny.yaml", "--out", name, "--set", "train.epochs=1"] + extra, in: folder)
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
        return folder
    }

    @Test func twoRunsOfTheSameSeedAreIdentical() throws {
        let folder = try runs([("a", []), ("b", [])])
        let outcome = try RunexpBinary.run(["diff", "a", "b"], in: folder)
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasSuffix("identical\n"))
        #expect(!outcome.stdout.contains("spec values that differ"))
    }

    @Test func anotherSeedDiffersAndListsTheChangedMetrics() throws {
        let folder = try runs([("a", []), ("b", ["--seed", "9"])])
        let outcome = try RunexpBinary.run(["diff", "a", "b"], in: folder)
        #expect(outcome.status == 1)
        #expect(outcome.stdout.hasSuffix("different\n"))
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains("test_mse") && $0.hasSuffix("differs") })
        #expect(lines.contains { $0.contains("seed") && $0.contains("0") && $0.contains("9") })
    }

    @Test func aSpecEditedByOneKeyListsExactlyThatKey() throws {
        let folder = try runs([("a", []), ("b", ["--set", "phases.reconstruction.optimizer={adam: {lr: 0.002}}"])])
        let outcome = try RunexpBinary.run(["diff", "a", "b"], in: folder)
        #expect(outcome.status == 1)
        let section = outcome.stdout.components(separatedBy: "spec values that differ:\n").last ?? ""
        let keys = section.components(separatedBy: "\n\n").first?.split(separator: "\n").dropFirst(2) ?? []
        #expect(keys.count == 1)
        #expect(keys.first?.contains("phases.reconstruction.optimizer.adam.lr") == true)
    }

    @Test func diffAndComparePrintTheSameKeyForTheSameValue() throws {
        let folder = try runs([("a", []), ("b", ["--set", "phases.reconstruction.optimizer={adam: {lr: 0.002}}"])])
        let diff = try RunexpBinary.run(["diff", "a", "b"], in: folder)
        let compare = try RunexpBinary.run(["compare", "a", "b"], in: folder)
        #expect(diff.stdout.contains("phases.reconstruction.optimizer.adam.lr"), "\(diff.stdout)")
        #expect(compare.stdout.contains("phases.reconstruction.optimizer.adam.lr"), "\(compare.stdout)")
    }

    @Test func curvesOfRunsOfOtherBatchSizesShareAnEpochAxis() throws {
        let folder = try runs([("a", []), ("b", ["--set", "train.batch_size=10"])])
        let diff = try RunDiff.compare(
            folder.appendingPathComponent("a").path, folder.appendingPathComponent("b").path, tolerance: 0)
        let plot = try #require(try diff.curves().first?.plot)
        #expect(plot.xLabel == "epoch")
        // Each run's last logged step is near the end of its one epoch (6 steps of 50 images, 27
        // of 10, logged every 2), however many steps it took.
        for series in plot.series {
            #expect((0.9...1).contains(series.x.last ?? 0), "\(series.name): \(series.x)")
        }
    }

    @Test func anImageChangedByOnePixelShowsItsPSNR() throws {
        let folder = try runs([("a", []), ("b", [])])
        let png = folder.appendingPathComponent("b/images/reconstructions.png")
        try PixelEdit.flipFirstPixel(of: png.path)
        let outcome = try RunexpBinary.run(["diff", "a", "b", "--html", "diff.html"], in: folder)
        #expect(outcome.status == 1)
        let line = outcome.stdout.split(separator: "\n").first { $0.contains("images/reconstructions.png") }
        #expect(line?.hasSuffix(" dB") == true, "\(line ?? "")")
        let html = try String(contentsOf: folder.appendingPathComponent("diff.html"), encoding: .utf8)
        #expect(html.contains("images/reconstructions.png: A, B, |A − B|"))
    }

    @Test func runsOfAnotherSeedDoNotComparePicturesOfOtherInputs() throws {
        let folder = try runs([("a", []), ("b", ["--seed", "9"])])
        let outcome = try RunexpBinary.run(["diff", "a", "b", "--html", "diff.html"], in: folder)
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("images: not compared: the runs show different inputs (seed 0 and 9)"))
        #expect(!outcome.stdout.contains(" dB"))
        let html = try String(contentsOf: folder.appendingPathComponent("diff.html"), encoding: .utf8)
        #expect(!html.contains("|A − B|"))
    }

    @Test func plotsAreComparedAsNumbersAndCurvesNotAsPixels() throws {
        let folder = try runs([("a", []), ("b", ["--set", "phases.reconstruction.optimizer={adam: {lr: 0.002}}"])])
        let outcome = try RunexpBinary.run(["diff", "a", "b"], in: folder)
        #expect(outcome.status == 1)
        #expect(!outcome.stdout.contains("plots/"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("images/reconstructions.png"))
    }

    @Test func theDiffPageHasTablesMetricBarsAndBothRunsCurvesPerPhase() throws {
        let folder = try runs([("a", []), ("b", ["--set", "phases.reconstruction.optimizer={adam: {lr: 0.002}}"])])
        let outcome = try RunexpBinary.run(["diff", "a", "b", "--html", "diff.html"], in: folder)
        #expect(outcome.status == 1)
        let html = try String(contentsOf: folder.appendingPathComponent("diff.html"), encoding: .utf8)
        #expect(html.contains("<h2>Spec values that differ</h2>"))
        #expect(html.contains("<td>phases.reconstruction.optimizer.adam.lr</td><td>0.001</td><td>0.002</td>"))
        #expect(html.contains("<table class=\"metrics bars\">"))
        #expect(html.contains("class=\"bar\" style=\"width: 100%\""))
        #expect(html.contains("loss per logged step (smoothed: centred exponential average)"))
        #expect(!html.contains("<pre>"), "the page is tables and figures, not the terminal text")
    }

    @Test func anHTMLPageIsNotWrittenOverANamedPipe() throws {
        let folder = try runs([("a", []), ("b", ["--seed", "9"])])
        let pipe = folder.appendingPathComponent("page.html").path
        #expect(mkfifo(pipe, 0o644) == 0)
        let outcome = try RunexpBinary.run(["diff", "a", "b", "--html", "page.html"], in: folder, timeout: 120)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("page.html: is a named pipe (FIFO), not a regular file"), "\(outcome.stderr)")
        var info = stat()
        #expect(lstat(pipe, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "the pipe was replaced")
    }

    @Test func aFolderThatIsNotARunIsBadInput() throws {
        let folder = try runs([("a", [])])
        let outcome = try RunexpBinary.run(["diff", "a", "nowhere"], in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("nowhere/resolved.yaml: cannot be read"))
    }

    @Test(arguments: ["nan", "-1", "inf"])
    func aToleranceThatIsNotAFiniteNonNegativeNumberIsRefused(_ tolerance: String) throws {
        let folder = try runs([("a", []), ("b", ["--seed", "9"])])
        let outcome = try RunexpBinary.run(["diff", "a", "b", "--tol", tolerance], in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.hasPrefix("error: --tol must be a relative difference of 0 or more"))
        #expect(!outcome.stdout.contains("identical"))
    }
}
