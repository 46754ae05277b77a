import Foundation
import Testing

/// Studies through a real Slurm (scripts/slurm-local.sh starts a one-node cluster; scripts/test.sh
/// runs it first). Without a cluster these tests skip, saying so, unless RUNEXP_REQUIRE_SLURM=1
/// (CI), where a missing cluster fails.
struct SlurmStudyTests {
    /// Whether a Slurm controller answers and has a node that can take work.
    static let clusterIsUp: Bool = {
        guard
            let outcome = try? RunexpBinary.run(
                ["-h", "-o", "%T"], timeout: 20, executable: URL(fileURLWithPath: "/usr/bin/sinfo"))
        else { return false }
        return outcome.status == 0
            && outcome.stdout.split(separator: "\n").contains { ["idle", "mixed", "allocated"].contains($0) }
    }()

    static var required: Bool { ProcessInfo.processInfo.environment["RUNEXP_REQUIRE_SLURM"] == "1" }

    @Test func aClusterIsUpWhenCIRequiresOne() {
        if !Self.clusterIsUp, !Self.required {
            print("note: no Slurm cluster answers (start one with scripts/slurm-local.sh): the Slurm tests skip")
        }
        #expect(Self.clusterIsUp || !Self.required, "RUNEXP_REQUIRE_SLURM=1 but no Slurm cluster answers sinfo")
    }

    func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test(.enabled(if: clusterIsUp)) func aTrialTrainsTheSameBitsOnSlurmAsOnThisMachine() throws {
        let scratch = try Scratch()
        try scratch.write("tiny.yaml", SweepCommandTests.spec)
        let study = [
            "sweep", "tiny.yaml", "--seeds", "0-1", "--grid", "phases.r.optimizer.adam.lr=0.01,0.001", "--threads", "1",
        ]
        let slurm = try RunexpBinary.run(
            study + ["--engine", "slurm", "--out", "slurm"], in: scratch.url, timeout: 300)
        #expect(slurm.status == 0, "\(slurm.stderr)")
        let local = try RunexpBinary.run(study + ["--jobs", "2", "--out", "local"], in: scratch.url)
        #expect(local.status == 0, "\(local.stderr)")
        let script = try String(contentsOf: scratch.url.appendingPathComponent("slurm/study.sbatch"), encoding: .utf8)
        #expect(script.contains("#SBATCH --array=0,1,2,3") && script.contains("#SBATCH --cpus-per-task=1"))
        let record = try json(scratch.url.appendingPathComponent("slurm/study.json"))
        #expect(record["engine"] as? String == "slurm")
        let trials = try #require(record["trials"] as? [[String: Any]])
        #expect(
            trials.allSatisfy {
                ($0["job_id"] as? String)?.contains("_") == true && $0["status"] as? String == "complete"
            })
        for trial in (0..<4).map({ "trial-00\($0)" }) {
            let a = try json(scratch.url.appendingPathComponent("slurm/\(trial)/metrics.json"))
            let b = try json(scratch.url.appendingPathComponent("local/\(trial)/metrics.json"))
            #expect(a["parameter_digest"] as? String == b["parameter_digest"] as? String, "\(trial)")
            #expect(a["validation_mse"] as? Double == b["validation_mse"] as? Double, "\(trial)")
        }
    }

    @Test(.enabled(if: clusterIsUp)) func aPrunedSearchDrawsTheSameTrialsOnSlurmAndTheirEndsAgree() throws {
        let scratch = try Scratch()
        try scratch.write("tiny.yaml", PrunedSearchTests.spec)
        let study = [
            "sweep", "tiny.yaml", "--random", "4", "--space", "phases.r.optimizer.adam.lr=loguniform(1e-5,1e-1)",
            "--asha", "validation_mse,1,2", "--threads", "1",
        ]
        let slurm = try RunexpBinary.run(
            study + ["--engine", "slurm", "--out", "slurm"], in: scratch.url, timeout: 300)
        #expect(slurm.status == 0, "\(slurm.stderr)")
        let local = try RunexpBinary.run(study + ["--out", "local"], in: scratch.url)
        #expect(local.status == 0, "\(local.stderr)")
        let settings = try ["slurm", "local"].map { side in
            try #require(
                try json(scratch.url.appendingPathComponent("\(side)/study.json"))["trials"] as? [[String: Any]])
        }
        #expect(settings[0].map { "\($0["setting"] ?? "")" } == settings[1].map { "\($0["setting"] ?? "")" })
        // Tasks run side by side on Slurm, so which trials a rung stops may differ; a trial that ran
        // to its end trained the same bits on both.
        var bothComplete = 0
        for (index, trial) in settings[0].enumerated()
        where trial["status"] as? String == "complete" && settings[1][index]["status"] as? String == "complete" {
            let name = String(format: "trial-%03d", index)
            let a = try json(scratch.url.appendingPathComponent("slurm/\(name)/metrics.json"))
            let b = try json(scratch.url.appendingPathComponent("local/\(name)/metrics.json"))
            #expect(a["parameter_digest"] as? String == b["parameter_digest"] as? String, "\(name)")
            bothComplete += 1
        }
        #expect(bothComplete >= 1)
        #expect(settings[0].allSatisfy { ["complete", "pruned"].contains($0["status"] as? String ?? "") })
    }

    @Test(.enabled(if: clusterIsUp)) func aTaskSlurmStopsIsSubmittedAgainAndResumesToTheSameResult() throws {
        let scratch = try Scratch()
        try scratch.write("tiny.yaml", SweepCommandTests.spec.replacingOccurrences(of: "epochs: 2", with: "epochs: 60"))
        let sweep = Process()
        sweep.executableURL = RunexpBinary.executable
        sweep.arguments = [
            "sweep", "tiny.yaml", "--seeds", "4", "--engine", "slurm", "--threads", "1", "--out", "study",
        ]
        sweep.currentDirectoryURL = scratch.url
        sweep.standardOutput = FileHandle.nullDevice
        sweep.standardError = FileHandle.nullDevice
        try sweep.run()
        defer { if sweep.isRunning { sweep.terminate() } }
        // Once the trial has checkpointed an epoch, Slurm cancels its task (SIGTERM, as a time
        // limit or a preemption would).
        let checkpoint = scratch.url.appendingPathComponent("study/trial-000/checkpoint").path
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: checkpoint), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
        }
        let record = try json(scratch.url.appendingPathComponent("study/study.json"))
        let job = try #require(((record["trials"] as? [[String: Any]])?.first?["job_id"] as? String))
        _ = try RunexpBinary.run([job], timeout: 20, executable: URL(fileURLWithPath: "/usr/bin/scancel"))
        sweep.waitUntilExit()
        #expect(sweep.terminationStatus == 0)
        let log = try String(
            contentsOf: scratch.url.appendingPathComponent("study/logs/trial-000.log"), encoding: .utf8)
        #expect(log.contains("interrupted"), "\(log)")
        let finished = try json(scratch.url.appendingPathComponent("study/study.json"))
        #expect((finished["trials"] as? [[String: Any]])?.first?["status"] as? String == "complete")
        // Resumed from its checkpoint, the trial ends where an uninterrupted run ends.
        let plain = try RunexpBinary.run(
            ["tiny.yaml", "--seed", "4", "--threads", "1", "--out", "plain"], in: scratch.url)
        #expect(plain.status == 0, "\(plain.stderr)")
        let resumed = try json(scratch.url.appendingPathComponent("study/trial-000/metrics.json"))
        let uninterrupted = try json(scratch.url.appendingPathComponent("plain/metrics.json"))
        #expect(resumed["parameter_digest"] as? String == uninterrupted["parameter_digest"] as? String)
    }

    @Test func withoutSbatchTheSlurmEngineIsRefusedNamingThePackage() throws {
        let scratch = try Scratch()
        try scratch.write("tiny.yaml", SweepCommandTests.spec)
        let outcome = try RunexpBinary.run(
            ["sweep", "tiny.yaml", "--seeds", "0-1", "--engine", "slurm"], in: scratch.url,
            environment: ["PATH": "/nonexistent"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("install Debian's slurm-client"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--engine local"))
    }

    @Test(.enabled(if: clusterIsUp)) func aDetachedStudyIsFollowedAndSummarizedByResume() throws {
        let scratch = try Scratch()
        try scratch.write("tiny.yaml", SweepCommandTests.spec)
        let submitted = try RunexpBinary.run(
            ["sweep", "tiny.yaml", "--seeds", "0-1", "--engine", "slurm", "--detach", "--out", "study"], in: scratch.url
        )
        #expect(submitted.status == 0, "\(submitted.stderr)")
        #expect(submitted.stdout.contains("submitted; `runexp sweep --resume"), "\(submitted.stdout)")
        let record = try json(scratch.url.appendingPathComponent("study/study.json"))
        let trials = try #require(record["trials"] as? [[String: Any]])
        #expect(trials.allSatisfy { $0["status"] as? String == "running" && $0["job_id"] is String })
        #expect(!FileManager.default.fileExists(atPath: scratch.path("study/summary.csv")))
        let followed = try RunexpBinary.run(["sweep", "--resume", "study"], in: scratch.url, timeout: 300)
        #expect(followed.status == 0, "\(followed.stderr)")
        let finished = try #require(
            try json(scratch.url.appendingPathComponent("study/study.json"))["trials"] as? [[String: Any]])
        // The same jobs, followed to their end: nothing was submitted twice.
        #expect(finished.map { $0["job_id"] as? String } == trials.map { $0["job_id"] as? String })
        #expect(finished.allSatisfy { $0["status"] as? String == "complete" })
        #expect(FileManager.default.fileExists(atPath: scratch.path("study/summary.csv")))
    }
}
