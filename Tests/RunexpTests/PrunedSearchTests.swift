import Foundation
import Testing

@testable import Runner
@testable import Spec

/// A random search with ASHA as a user runs it: the trials judge themselves at each rung, pruned
/// ones stop there, and `--resume` runs none of them again.
struct PrunedSearchTests {
    static var spec: String { EvaluationPolicyTests.tinySpec(train: "epochs: 3, batch_size: 50") }

    func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test func trialsBehindAtARungArePrunedThereAndResumeLeavesThem() throws {
        let scratch = try Scratch()
        try scratch.write("tiny.yaml", Self.spec)
        let outcome = try RunexpBinary.run(
            [
                "sweep", "tiny.yaml", "--random", "4", "--space", "phases.r.optimizer.adam.lr=loguniform(1e-5,1e-1)",
                "--asha", "validation_mse,1,2", "--out", "study",
            ], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let study = scratch.url.appendingPathComponent("study")
        let trials = try #require(try json(study.appendingPathComponent("study.json"))["trials"] as? [[String: Any]])
        let statuses = trials.map { $0["status"] as? String ?? "" }
        // The first trial to reach a rung is the best there; later ones go on only when better.
        #expect(statuses[0] == "complete", "\(statuses)")
        let pruned = statuses.indices.filter { statuses[$0] == "pruned" }
        #expect(!pruned.isEmpty, "\(statuses)")
        for index in pruned {
            let run = try json(study.appendingPathComponent(String(format: "trial-%03d/run.json", index)))
            #expect((run["status"] as? String)?.hasPrefix("pruned: at epoch 1, validation_mse") == true, "\(run)")
            #expect(run["epochs_done"] as? Int == 1)
        }
        let epochs = 3 * (4 - pruned.count) + pruned.count
        #expect(outcome.stderr.contains("pruned \(pruned.count) of 4 trials; \(epochs) of 12 epochs trained"))
        let resumed = try RunexpBinary.run(["sweep", "--resume", "study"], in: scratch.url)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("0 of 4 trials left"), "\(resumed.stderr)")
    }

    @Test func aTrialGoesOnOnlyAmongTheBestOfItsRung() throws {
        let folder = try Scratch().url.appendingPathComponent("rungs").path
        let judge = RungJudge(rule: PruneSpec(metric: "validation_mse", minEpochs: 1, reduction: 2), folder: folder)
        func verdict(_ trial: String, _ value: Double) throws -> String? {
            var metrics = EpochMetrics(epoch: 1, losses: [])
            metrics.values = [(Metric.named("validation_mse")!, value)]
            return try judge.verdict(trial: trial, epoch: 1, epochs: 4, metrics: metrics)
        }
        #expect(try verdict("a", 0.5) == nil)  // alone at its rung, it is the best
        #expect(try verdict("b", 0.6) != nil)  // of 2, only the best goes on
        #expect(try verdict("c", 0.4) == nil)
        #expect(try verdict("d", 0.45) == nil)  // of 4, the best 2: 0.4 and 0.45
        #expect(try verdict("e", 0.55)?.contains("not among the best 2 of the 5 trials") == true)
    }
}

/// A TPE search as a user runs it: random settings first, then each proposed from the trials that
/// ended, recorded in study.json so that `--resume` keeps them.
struct TPESweepTests {
    @Test func laterTrialsAreProposedFromTheEndedOnesAndResumeKeepsThem() throws {
        let scratch = try Scratch()
        try scratch.write(
            "tiny.yaml",
            PrunedSearchTests.spec + """

                sweep:
                  space:
                    phases.r.optimizer.adam.lr: loguniform(1.0e-5, 1.0e-1)
                  search: {tpe: {trials: 4, startup: 2}}
                """)
        let outcome = try RunexpBinary.run(["sweep", "tiny.yaml", "--out", "study"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let study = scratch.url.appendingPathComponent("study/study.json")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: study)) as? [String: Any])
        let search = try #require(record["search"] as? [String: Any])
        #expect((search["tpe"] as? [String: Any])?["startup"] as? Int == 2)
        let trials = try #require(record["trials"] as? [[String: Any]])
        #expect(trials.map { $0["status"] as? String } == ["complete", "complete", "complete", "complete"])
        let settings = trials.map { "\($0["setting"] ?? "")" }
        let resumed = try RunexpBinary.run(["sweep", "--resume", "study"], in: scratch.url)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("0 of 4 trials left"), "\(resumed.stderr)")
        let again =
            try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: study)) as? [String: Any])["trials"]
            as? [[String: Any]]
        #expect(again?.map { "\($0["setting"] ?? "")" } == settings)
    }
}

/// Ctrl-C in the middle of a TPE search with pruning, then `--resume`.
struct InterruptedSearchTests {
    func trials(_ scratch: Scratch) throws -> [[String: Any]] {
        let url = scratch.url.appendingPathComponent("study/study.json")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try #require(record["trials"] as? [[String: Any]])
    }

    @Test func resumeAfterCtrlCNeitherDrawsAgainNorRunsAgainWhatEnded() throws {
        let scratch = try Scratch()
        try scratch.write(
            "tiny.yaml",
            EvaluationPolicyTests.tinySpec(train: "epochs: 40, batch_size: 50") + """

                sweep:
                  space:
                    phases.r.optimizer.adam.lr: loguniform(1.0e-5, 1.0e-1)
                  search: {tpe: {trials: 5, startup: 2}}
                  prune: {asha: {metric: validation_mse, min_epochs: 1, reduction: 2}}
                """)
        let sweep = Process()
        sweep.executableURL = RunexpBinary.executable
        sweep.arguments = ["sweep", "tiny.yaml", "--threads", "1", "--out", "study"]
        sweep.currentDirectoryURL = scratch.url
        sweep.standardOutput = FileHandle.nullDevice
        sweep.standardError = FileHandle.nullDevice
        try sweep.run()
        defer { if sweep.isRunning { sweep.terminate() } }
        // Ctrl-C once the first proposed trial has checkpointed an epoch.
        let deadline = Date().addingTimeInterval(300)
        while !FileManager.default.fileExists(atPath: scratch.path("study/trial-002/checkpoint")), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        sweep.interrupt()
        sweep.waitUntilExit()
        #expect(sweep.terminationStatus == 130)
        let before = try trials(scratch)
        let ended = before.indices.filter { ["complete", "pruned"].contains(before[$0]["status"] as? String) }
        #expect(ended.contains(0) && ended.contains(1), "\(before.map { $0["status"] ?? "" })")
        let metrics = try ended.map {
            try Data(
                contentsOf: scratch.url.appendingPathComponent(String(format: "study/trial-%03d/metrics.json", $0)))
        }
        let resumed = try RunexpBinary.run(["sweep", "--resume", "study", "--threads", "1"], in: scratch.url)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("\(5 - ended.count) of 5 trials left"), "\(resumed.stderr)")
        let after = try trials(scratch)
        #expect(after.allSatisfy { ["complete", "pruned"].contains($0["status"] as? String) })
        // The trials that had started keep their settings; those that had ended were not run again.
        for index in before.indices where before[index]["status"] as? String != "pending" {
            #expect("\(before[index]["setting"] ?? "")" == "\(after[index]["setting"] ?? "")", "trial \(index)")
        }
        for (index, bytes) in zip(ended, metrics) {
            let path = String(format: "study/trial-%03d/metrics.json", index)
            #expect(try Data(contentsOf: scratch.url.appendingPathComponent(path)) == bytes, "trial \(index)")
        }
    }
}
