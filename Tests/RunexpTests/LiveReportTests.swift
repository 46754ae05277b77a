import Foundation
import Testing

/// A run's report.html while it goes: a live page that reloads itself, replaced by the final
/// report, or left saying why the run stopped.
struct LiveReportTests {
    /// 30 epochs of 24 steps on 48 sample digits: long enough to look at the page while it runs.
    func start(in scratch: Scratch) throws -> Process {
        try scratch.write(
            "a.yaml",
            EvaluationPolicyTests.spec().replacingOccurrences(
                of: "epochs: 6, batch_size: 8", with: "epochs: 30, batch_size: 2"))
        let process = Process()
        process.executableURL = RunexpBinary.executable
        process.arguments = ["a.yaml", "--out", "run"]
        process.currentDirectoryURL = scratch.url
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// report.html once it says `marker`, or what it says when the run ended first.
    func report(_ scratch: Scratch, _ process: Process, saying marker: String) -> String {
        let path = scratch.url.appendingPathComponent("run/report.html")
        let deadline = Date().addingTimeInterval(120)
        var text = ""
        while Date() < deadline, process.isRunning {
            text = (try? String(contentsOf: path, encoding: .utf8)) ?? ""
            if text.contains(marker) { return text }
            usleep(5_000)
        }
        return (try? String(contentsOf: path, encoding: .utf8)) ?? ""
    }

    @Test func aRunningRunsReportSaysSoAndReloadsUntilTheFinalReportReplacesIt() throws {
        let scratch = try Scratch()
        let process = try start(in: scratch)
        let live = report(scratch, process, saying: "running: epoch ")
        #expect(live.contains("of 30 done at"), "\(live.prefix(2000))")
        #expect(live.contains("<meta http-equiv=\"refresh\" content=\"10\">"))
        #expect(!live.contains("Final metrics"))
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let final = try String(contentsOf: scratch.url.appendingPathComponent("run/report.html"), encoding: .utf8)
        #expect(final.contains("Final metrics"))
        #expect(!final.contains("http-equiv=\"refresh\"") && !final.contains("running: epoch"))
    }

    @Test func anInterruptedRunsReportSaysHowToContinueAndStopsReloading() throws {
        let scratch = try Scratch()
        let process = try start(in: scratch)
        _ = report(scratch, process, saying: "running: epoch ")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        try #require(process.terminationStatus == 130, "the run finished before it could be interrupted")
        let page = try String(contentsOf: scratch.url.appendingPathComponent("run/report.html"), encoding: .utf8)
        #expect(page.contains("interrupted during epoch"), "\(page.prefix(2000))")
        #expect(page.contains("continues it"))
        #expect(!page.contains("http-equiv=\"refresh\""))
    }
}

extension LiveReportTests {
    @Test func theFinalReportListsTheSplitsWithTheirSizes() throws {
        let scratch = try Scratch()
        try scratch.write("a.yaml", EvaluationPolicyTests.spec())
        let outcome = try RunexpBinary.run(["a.yaml", "--out", "run"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let page = try String(contentsOf: scratch.url.appendingPathComponent("run/report.html"), encoding: .utf8)
        #expect(page.contains("train 48, validation 12"), "\(page.prefix(3000))")
    }
}
