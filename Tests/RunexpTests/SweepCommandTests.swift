import Foundation
import Testing

/// `runexp sweep` as a user runs it: every trial of seeds × settings, checked before any starts,
/// summarized per setting; a failing trial does not stop the study; `--resume` finishes it.
struct SweepCommandTests {
    /// A tiny autoencoder on the assignment's 240 sample images (no test split: fast in debug).
    static var spec: String { EvaluationPolicyTests.tinySpec(data: "", train: "epochs: 2, batch_size: 50") }

    func scratch() throws -> Scratch {
        let scratch = try Scratch()
        try scratch.write("tiny.yaml", Self.spec)
        return scratch
    }

    func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test func aSweepRunsEverySeedOfEverySettingAndSummarizesEachSetting() throws {
        let scratch = try scratch()
        let outcome = try RunexpBinary.run(
            [
                "sweep", "tiny.yaml", "--seeds", "0-1", "--grid", "phases.r.optimizer.adam.lr=0.01,0.001", "--jobs",
                "2",
                "--out", "study",
            ], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let study = scratch.url.appendingPathComponent("study")
        let trials = try #require(try json(study.appendingPathComponent("study.json"))["trials"] as? [[String: Any]])
        #expect(trials.count == 4)
        #expect(trials.allSatisfy { $0["status"] as? String == "complete" })
        #expect(trials.map { $0["seed"] as? Int } == [0, 1, 0, 1])
        let csv = try String(contentsOf: study.appendingPathComponent("summary.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").filter { $0.contains(",validation_mse,") }
        #expect(rows.count == 2 && rows.allSatisfy { $0.contains(",validation_mse,2,") }, "\(csv)")
        // Each setting's mean is the mean of its two trials' own metrics.
        let seeds = try (0..<2).map {
            try #require(
                try json(study.appendingPathComponent("trial-00\($0)/metrics.json"))["validation_mse"] as? Double)
        }
        let summary = try json(study.appendingPathComponent("summary.json"))
        let settings = try #require(summary["settings"] as? [[String: Any]])
        let first = try #require((settings[0]["metrics"] as? [String: Any])?["validation_mse"] as? [String: Any])
        #expect(abs((first["mean"] as! Double) - (seeds[0] + seeds[1]) / 2) < 1e-12)
        #expect(FileManager.default.fileExists(atPath: study.appendingPathComponent("report.html").path))
    }

    @Test func aTrialTrainsTheSameBitsWhetherItRanAloneOrBesideAnother() throws {
        let scratch = try scratch()
        for (jobs, out) in [("1", "alone"), ("2", "together")] {
            let outcome = try RunexpBinary.run(
                ["sweep", "tiny.yaml", "--seeds", "3-4", "--jobs", jobs, "--threads", "1", "--out", out],
                in: scratch.url)
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
        for trial in ["trial-000", "trial-001"] {
            let alone = try json(scratch.url.appendingPathComponent("alone/\(trial)/metrics.json"))
            let together = try json(scratch.url.appendingPathComponent("together/\(trial)/metrics.json"))
            #expect(alone["parameter_digest"] as? String == together["parameter_digest"] as? String)
            #expect(alone["validation_mse"] as? Double == together["validation_mse"] as? Double)
        }
    }

    @Test func anUnknownGridKeyIsRefusedWithTheNearestNameBeforeAnyTrialRuns() throws {
        let scratch = try scratch()
        let outcome = try RunexpBinary.run(
            ["sweep", "tiny.yaml", "--grid", "train.batch_sise=10,20", "--out", "study"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains("unknown key 'batch_sise' in train; did you mean 'batch_size'?"),
            "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("study")))
    }

    @Test func aFailingTrialLeavesTheOthersToFinishAndResumeRunsOnlyWhatIsNotComplete() throws {
        let scratch = try scratch()
        // SGD at a rate of 1000 on a summed squared error of logits blows the loss up: that trial
        // fails, the other completes.
        let diverging = [
            "--set", "networks.decoder.layers=[dense: 16, relu, dense: 784]", "--set",
            "phases.r.loss=sse(decoder(encoder(x)), x)",
            "--set", "phases.r.optimizer={sgd: {lr: 0.01}}",
        ]
        let outcome = try RunexpBinary.run(
            ["sweep", "tiny.yaml", "--grid", "phases.r.optimizer.sgd.lr=0.0001,1000", "--out", "study"] + diverging,
            in: scratch.url)
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(
            outcome.stderr.contains("trial-001 (2/2, seed 1, phases.r.optimizer.sgd.lr=1000): failed"),
            "\(outcome.stderr)")
        let study = scratch.url.appendingPathComponent("study")
        var trials = try #require(try json(study.appendingPathComponent("study.json"))["trials"] as? [[String: Any]])
        #expect(trials.map { $0["status"] as? String } == ["complete", "failed"])
        let completed = try Data(contentsOf: study.appendingPathComponent("trial-000/metrics.json"))
        let resumed = try RunexpBinary.run(["sweep", "--resume", "study"], in: scratch.url)
        #expect(resumed.status == 1)
        #expect(resumed.stderr.contains("1 of 2 trials left"), "\(resumed.stderr)")
        // The complete trial was not run again.
        #expect(try Data(contentsOf: study.appendingPathComponent("trial-000/metrics.json")) == completed)
        trials = try #require(try json(study.appendingPathComponent("study.json"))["trials"] as? [[String: Any]])
        #expect(trials.map { $0["status"] as? String } == ["complete", "failed"])
    }

    @Test func aStudyTheSpecDeclaresRunsWhenTheCommandLineGivesNone() throws {
        let scratch = try Scratch()
        try scratch.write("tiny.yaml", Self.spec + "sweep: {seeds: [5, 6]}\n")
        let outcome = try RunexpBinary.run(["sweep", "tiny.yaml", "--out", "study"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let trials = try #require(
            try json(scratch.url.appendingPathComponent("study/study.json"))["trials"] as? [[String: Any]])
        #expect(trials.map { $0["seed"] as? Int } == [5, 6])
    }

    @Test func aSpecWithoutAStudyAndNoSeedsOrGridIsRefused() throws {
        let scratch = try scratch()
        let outcome = try RunexpBinary.run(["sweep", "tiny.yaml"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("nothing to sweep"), "\(outcome.stderr)")
    }

    @Test func checkShowsTheStudyASpecDeclaresAndRefusesASettingThatMakesAnInvalidSpec() throws {
        let scratch = try Scratch()
        try scratch.write("good.yaml", Self.spec + "sweep: {seeds: [0, 1], grid: {train.batch_size: [25, 50]}}\n")
        let good = try RunexpBinary.run(["check", "good.yaml"], in: scratch.url)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("trials: 4   # 2 settings × 2 seeds"), "\(good.stdout)")
        try scratch.write("bad.yaml", Self.spec + "sweep: {seeds: [0, 1], grid: {train.batch_size: [25, 0]}}\n")
        let bad = try RunexpBinary.run(["check", "bad.yaml"], in: scratch.url)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("the trials of train.batch_size=0:"), "\(bad.stderr)")
        #expect(bad.stderr.contains("train.batch_size must be in 1…65536; found 0"), "\(bad.stderr)")
    }

    @Test func ctrlCInterruptsEveryRunningTrialAndResumeFinishesTheStudy() throws {
        let scratch = try Scratch()
        try scratch.write("tiny.yaml", Self.spec.replacingOccurrences(of: "epochs: 2", with: "epochs: 60"))
        let sweep = Process()
        sweep.executableURL = RunexpBinary.executable
        sweep.arguments = ["sweep", "tiny.yaml", "--seeds", "0-2", "--jobs", "2", "--threads", "1", "--out", "study"]
        sweep.currentDirectoryURL = scratch.url
        sweep.standardOutput = FileHandle.nullDevice
        sweep.standardError = FileHandle.nullDevice
        try sweep.run()
        defer { if sweep.isRunning { sweep.terminate() } }
        // Once both running trials have checkpointed an epoch, Ctrl-C reaches runexp sweep alone.
        let checkpoints = ["trial-000", "trial-001"].map { scratch.path("study/\($0)/checkpoint") }
        let deadline = Date().addingTimeInterval(120)
        while !checkpoints.allSatisfy(FileManager.default.fileExists), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        sweep.interrupt()
        let stopBy = Date().addingTimeInterval(60)
        while sweep.isRunning, Date() < stopBy { Thread.sleep(forTimeInterval: 0.1) }
        #expect(!sweep.isRunning, "runexp sweep did not end within a minute of Ctrl-C")
        if sweep.isRunning { sweep.terminate() }
        sweep.waitUntilExit()
        #expect(sweep.terminationStatus == 130)
        var trials = try #require(
            try json(scratch.url.appendingPathComponent("study/study.json"))["trials"] as? [[String: Any]])
        #expect(trials.map { $0["status"] as? String } == ["interrupted", "interrupted", "pending"])
        let resumed = try RunexpBinary.run(["sweep", "--resume", "study", "--threads", "1"], in: scratch.url)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        trials = try #require(
            try json(scratch.url.appendingPathComponent("study/study.json"))["trials"] as? [[String: Any]])
        #expect(trials.allSatisfy { $0["status"] as? String == "complete" })
        // A trial resumed from its checkpoint ends where an uninterrupted run ends.
        let plain = try RunexpBinary.run(
            ["tiny.yaml", "--seed", "0", "--threads", "1", "--out", "plain"], in: scratch.url)
        #expect(plain.status == 0)
        let resumedDigest = try json(scratch.url.appendingPathComponent("study/trial-000/metrics.json"))[
            "parameter_digest"]
        let plainDigest = try json(scratch.url.appendingPathComponent("plain/metrics.json"))["parameter_digest"]
        #expect(resumedDigest as? String == plainDigest as? String)
    }

    @Test func compareGroupsRunsByTheSpecValuesThatDifferTheSeedAside() throws {
        let scratch = try scratch()
        for (seed, lr) in [("0", "0.01"), ("1", "0.01"), ("0", "0.001"), ("1", "0.001")] {
            let outcome = try RunexpBinary.run(
                [
                    "tiny.yaml", "--seed", seed, "--set", "phases.r.optimizer.adam.lr=\(lr)", "--out",
                    "run-\(seed)-\(lr)",
                ],
                in: scratch.url)
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
        let outcome = try RunexpBinary.run(
            ["compare", "run-0-0.01", "run-1-0.01", "run-0-0.001", "run-1-0.001", "--out", "cmp"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("grouped by: phases.r.optimizer.adam.lr\n"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("best validation_mse: phases.r.optimizer.adam.lr="), "\(outcome.stdout)")
        let csv = try String(contentsOf: scratch.url.appendingPathComponent("cmp/summary.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("phases.r.optimizer.adam.lr,metric,n,mean,"))
        #expect(csv.split(separator: "\n").filter { $0.contains(",validation_mse,2,") }.count == 2, "\(csv)")
    }

    @Test func compareOfOneFolderIsRefused() throws {
        let scratch = try scratch()
        _ = try RunexpBinary.run(["tiny.yaml", "--out", "a"], in: scratch.url)
        let outcome = try RunexpBinary.run(["compare", "a"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("compare needs two result folders or more; found 1"), "\(outcome.stderr)")
    }
}
