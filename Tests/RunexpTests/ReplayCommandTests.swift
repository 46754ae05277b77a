import Foundation
import Testing

/// `runexp replay` against references recorded by `runexp replay --record`.
struct ReplayCommandTests {
    @Test func aReplayMatchesItsRecordingAndAnEditedNumberFailsNamingSpecAndMetric() throws {
        let folder = try RunCommandTests.workspace("replay: {epochs: 1, train_limit: 100}")
        let recorded = try RunexpBinary.run(["replay", "--record", "--results", "refs", "tiny.yaml"], in: folder)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let metrics = folder.appendingPathComponent("refs/tiny_ae/metrics.json")
        #expect(FileManager.default.fileExists(atPath: metrics.path))
        #expect(
            FileManager.default.fileExists(
                atPath: folder.appendingPathComponent("refs/tiny_ae/images/reconstructions.png").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("refs/tiny_ae/checkpoint").path))

        let matched = try RunexpBinary.run(["replay", "--results", "refs", "tiny.yaml"], in: folder)
        #expect(matched.status == 0, "\(matched.stderr)")
        #expect(matched.stdout.contains("1 specs replayed: all match"))

        var text = try String(contentsOf: metrics, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.contains("\"test_mse\"") })
        text = text.replacingOccurrences(of: String(line), with: "  \"test_mse\": 0.5,")
        try text.write(to: metrics, atomically: true, encoding: .utf8)
        let missed = try RunexpBinary.run(["replay", "--results", "refs", "tiny.yaml"], in: folder)
        #expect(missed.status == 1)
        #expect(missed.stderr.contains("tiny.yaml: test_mse is "))
        #expect(missed.stderr.contains("the reference says 0.5"))
        #expect(missed.stdout.contains("MISS"))
    }

    @Test func aReferenceImageChangedByOnePixelFailsTheReplayNamingIt() throws {
        let folder = try RunCommandTests.workspace("replay: {epochs: 1, train_limit: 100}")
        let recorded = try RunexpBinary.run(["replay", "--record", "--results", "refs", "tiny.yaml"], in: folder)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        try PixelEdit.flipFirstPixel(
            of: folder.appendingPathComponent("refs/tiny_ae/images/reconstructions.png").path)
        let missed = try RunexpBinary.run(["replay", "--results", "refs", "tiny.yaml"], in: folder)
        #expect(missed.status == 1)
        #expect(
            missed.stderr.contains("tiny.yaml: images/reconstructions.png is not the reference's pixels"),
            "\(missed.stderr)")
    }

    @Test func aSpecWithoutAReferenceSaysHowToRecordOne() throws {
        let folder = try RunCommandTests.workspace()
        let outcome = try RunexpBinary.run(["replay", "--results", "refs", "tiny.yaml"], in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("make one with `runexp replay --record tiny.yaml`"))
    }

    @Test func aReferenceThatIsNotAFiniteNumberNeverMatches() throws {
        let folder = try RunCommandTests.workspace("replay: {epochs: 1, train_limit: 100}")
        _ = try RunexpBinary.run(["replay", "--record", "--results", "refs", "tiny.yaml"], in: folder)
        let metrics = folder.appendingPathComponent("refs/tiny_ae/metrics.json")
        var text = try String(contentsOf: metrics, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.contains("\"test_mse\"") })
        text = text.replacingOccurrences(of: String(line), with: "  \"test_mse\": 1e400,")
        try text.write(to: metrics, atomically: true, encoding: .utf8)
        let outcome = try RunexpBinary.run(["replay", "--results", "refs", "tiny.yaml"], in: folder)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("tiny.yaml: the reference's test_mse is inf, not a finite number"))
    }

    @Test func aReferenceImageDeletedFailsTheReplayNamingIt() throws {
        let folder = try RunCommandTests.workspace("replay: {epochs: 1, train_limit: 100}")
        let recorded = try RunexpBinary.run(["replay", "--record", "--results", "refs", "tiny.yaml"], in: folder)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("refs/tiny_ae/images/reconstructions.png"))
        let missed = try RunexpBinary.run(["replay", "--results", "refs", "tiny.yaml"], in: folder)
        #expect(missed.status == 1, "\(missed.stdout)")
        #expect(
            missed.stderr.contains(
                "tiny.yaml: images/reconstructions.png is written by the replay but missing from the reference"),
            "\(missed.stderr)")
    }
}
