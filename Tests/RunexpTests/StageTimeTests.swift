import Foundation
import Testing

/// A run says where its time went: each stage's seconds at its end and in run.json.
struct StageTimeTests {
    @Test func aRunRecordsEachStagesSecondsInRunJSONAndPrintsThem() throws {
        let folder = try RunCommandTests.workspace()
        let outcome = try RunexpBinary.run(["tiny.yaml", "--out", "out"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("time: "), "\(outcome.stderr)")
        for stage in ["check", "train", "evaluation", "checkpoints", "outputs", "report"] {
            #expect(outcome.stderr.contains(" \(stage) "), "no \(stage) in \(outcome.stderr)")
        }
        let run = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/run.json")))
                as? [String: Any])
        let stages = try #require(run["stages"] as? [String: Double])
        let seconds = try #require(run["seconds"] as? Double)
        #expect(stages.values.allSatisfy { $0 >= 0 })
        // The stages after start-up happen within the run's own seconds (a millisecond of rounding each).
        let measured = stages.filter { $0.key != "startup" }.values.reduce(0, +)
        #expect(measured <= seconds + 0.01, "stages \(stages) against \(seconds) s")
        #expect((stages["train"] ?? 0) > 0 && (stages["evaluation"] ?? 0) > 0)
    }
}
