import Data
import Foundation
import Testing

/// `data.source: {images: DIR, stream: …}` through the binary: a streamed folder trains to the
/// same bits as the folder held in memory (metrics, checkpoint, pictures), run.json counts the
/// step's wait for data, and `check` and the run agree on the key.
struct ImageStreamingRunTests {
    static let spec = """
        name: streamed_images
        data: {source: mnist}
        networks:
          encoder: {layers: [flatten, dense: 4]}
          decoder: {layers: [dense: 192, sigmoid, reshape: [8, 8, 3]]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
        train: {epochs: 2, batch_size: 4}
        outputs: [curves, {reconstructions: {split: train, count: 4}}]
        """

    /// `tiny.yaml` beside `pictures/`: 23 PNG and JPEG images of 10×10 in two class folders, fitted
    /// to 8×8×3 when read.
    static func workspace() throws -> URL {
        let folder = try RunCommandTests.workspace(base: spec)
        for index in 0..<23 {
            let pixels = (0..<300).map { UInt8(($0 * 5 + index * 17) % 256) }
            let image = DecodedImage(width: 10, height: 10, channels: 3, pixels: pixels)
            let (name, bytes) =
                index % 2 == 0
                ? ("even/\(index).png", try ImageEncoder.png(image))
                : ("odd/\(index).jpg", try ImageEncoder.jpeg(image))
            let url = folder.appendingPathComponent("pictures/\(name)")
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try bytes.write(to: url)
        }
        return folder
    }

    static func source(stream: Bool) -> String {
        "data.source={images: pictures, shape: [8, 8, 3], stream: \(stream)}"
    }

    static func stages(_ folder: URL, _ out: String) throws -> [String: Any]? {
        let run =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("\(out)/run.json")))
            as? [String: Any]
        return run?["stages"] as? [String: Any]
    }

    @Test func aStreamedFolderTrainsToTheBitsOfTheFolderInMemory() throws {
        let folder = try Self.workspace()
        for (out, stream) in [("memory", false), ("streamed", true)] {
            let outcome = try RunexpBinary.run(
                ["tiny.yaml", "--out", out, "--set", Self.source(stream: stream)], in: folder)
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
        // The training state's metadata holds the spec's digest, which `stream` changes; the
        // parameters file holds the weights alone.
        let files = [
            "metrics.json", "metrics.jsonl", "images/reconstructions.png", "checkpoint/parameters.safetensors",
        ]
        for file in files {
            let memory = try Data(contentsOf: folder.appendingPathComponent("memory/\(file)"))
            let streamed = try Data(contentsOf: folder.appendingPathComponent("streamed/\(file)"))
            #expect(memory == streamed, "\(file) differs")
        }
        #expect(try Self.stages(folder, "streamed")?["data_wait"] is Double)
        #expect(try Self.stages(folder, "memory")?["data_wait"] == nil)
    }

    @Test func checkAndTheRunAgreeOnTheStreamKey() throws {
        let folder = try Self.workspace()
        let checked = try RunexpBinary.run(["check", "tiny.yaml", "--set", Self.source(stream: true)], in: folder)
        #expect(checked.status == 0, "\(checked.stderr)")
        let ran = try RunexpBinary.run(["tiny.yaml", "--out", "out", "--set", Self.source(stream: true)], in: folder)
        #expect(ran.status == 0, "\(ran.stderr)")
        let wrong = "data.source={images: pictures, stream: sometimes}"
        for command in [["check", "tiny.yaml"], ["tiny.yaml", "--out", "refused"]] {
            let refused = try RunexpBinary.run(command + ["--set", wrong], in: folder)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("data.source.stream"), "\(refused.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("refused").path))
    }
}
