import Foundation
import Testing

/// An output that asks for a split the data does not have is drawn from one it has, and says so:
/// in `check`, in the terminal, in run.json and in the report (never dropped without a word).
struct OutputSplitTests {
    static let spec = """
        name: plain
        data: {source: {npy: d.npy, labels: l.npy}, shape: [784]}
        networks:
          encoder: {layers: [dense: 16, relu, dense: 4]}
          decoder: {layers: [dense: 16, relu, dense: 784, sigmoid]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
        train: {epochs: 1, batch_size: 50}
        outputs: [reconstructions: {split: test, count: 4}]
        """
    static let note =
        "spec.yaml:9:11: reconstructions asks for the test split, which the data does not have (it has train, "
        + "validation): drawn from validation instead"

    func workspace() throws -> Scratch {
        let scratch = try Scratch()
        try scratch.writeImages(count: 200)
        try scratch.write("spec.yaml", Self.spec)
        return scratch
    }

    @Test func checkSaysWhichSplitAMissingOneIsDrawnFrom() throws {
        let scratch = try workspace()
        let outcome = try RunexpBinary.run(["check", "spec.yaml"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("note: " + Self.note), "\(outcome.stdout)")
    }

    @Test func theRunDrawsTheOutputFromAnotherSplitAndSaysSoEverywhere() throws {
        let scratch = try workspace()
        let outcome = try RunexpBinary.run(["spec.yaml", "--out", "out"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("note: " + Self.note))
        #expect(FileManager.default.fileExists(atPath: scratch.path("out/images/reconstructions.png")))
        let run = try JSONSerialization.jsonObject(
            with: Data(contentsOf: scratch.url.appendingPathComponent("out/run.json")))
        #expect((run as? [String: Any])?["notes"] as? [String] == [Self.note])
        let report = try String(contentsOfFile: scratch.path("out/report.html"), encoding: .utf8)
        #expect(report.contains("drawn from validation instead"))
    }

    @Test func checkSaysATSNEMapOfUnlabelledDataHasOneColourAndHowToGiveLabels() throws {
        let scratch = try workspace()
        let outcome = try RunexpBinary.run(
            ["check", "spec.yaml", "--set", "data.source={npy: d.npy}", "--set", "outputs=[tsne: {split: train}]"],
            in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            outcome.stdout.contains(
                "note: --set outputs=[tsne: {split: train}]: tsne colours the map by label, but the data has none"))
        #expect(outcome.stdout.contains("give the labels with `source: {npy: PATH, labels: PATH}`"))
    }
}
