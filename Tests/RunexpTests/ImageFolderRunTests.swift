import Data
import Foundation
import Testing

/// `data.source: {images: DIR}` through the binary, as a user meets it: a run on a folder of PNG
/// and JPEG files in class folders, `check` refusing a broken file by name, `skip_unreadable`, and
/// `data inspect DIR`.
struct ImageFolderRunTests {
    static let spec = """
        name: tiny_images
        data: {source: mnist}
        networks:
          encoder: {layers: [flatten, dense: 4]}
          decoder: {layers: [dense: 192, sigmoid, reshape: [8, 8, 3]]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
        train: {epochs: 1, batch_size: 4}
        outputs: [curves]
        """

    /// A workspace with `tiny.yaml` and `pictures/`: six 8×8 images in each of `circles` (PNG)
    /// and `squares` (JPEG).
    static func workspace() throws -> URL {
        let folder = try RunCommandTests.workspace(base: spec)
        for index in 0..<12 {
            let pixels = (0..<192).map { UInt8(($0 * 5 + index * 17) % 256) }
            let image = DecodedImage(width: 8, height: 8, channels: 3, pixels: pixels)
            let (name, bytes) =
                index < 6
                ? ("circles/\(index).png", try ImageEncoder.png(image))
                : ("squares/\(index).jpg", try ImageEncoder.jpeg(image))
            let url = folder.appendingPathComponent("pictures/\(name)")
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try bytes.write(to: url)
        }
        return folder
    }

    @Test func aFolderOfPNGAndJPEGFilesTrainsAndRecordsItsClasses() throws {
        let folder = try Self.workspace()
        let outcome = try RunexpBinary.run(
            ["tiny.yaml", "--out", "out", "--set", "data.source={images: pictures}"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let run =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/run.json")))
            as? [String: Any]
        let data = run?["data"] as? [String: Any]
        #expect(data?["classes"] as? [String] == ["circles", "squares"])
        // 12 images, 10% held out for validation.
        #expect(data?["train"] as? Int == 11)
    }

    @Test func checkRefusesABrokenFileByNameAndSkipUnreadableCountsIt() throws {
        let folder = try Self.workspace()
        let broken = folder.appendingPathComponent("pictures/squares/broken.jpg")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]).write(to: broken)
        let refused = try RunexpBinary.run(
            ["check", "tiny.yaml", "--set", "data.source={images: pictures}"], in: folder)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("\(broken.path): cannot decode the JPEG"), "\(refused.stderr)")
        let skipping = try RunexpBinary.run(
            ["tiny.yaml", "--out", "out", "--set", "data.source={images: pictures, skip_unreadable: true}"], in: folder)
        #expect(skipping.status == 0, "\(skipping.stderr)")
        #expect(skipping.stderr.contains("skipped 1 unreadable files"), "\(skipping.stderr)")
        let run =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/run.json")))
            as? [String: Any]
        let skipped = (run?["data"] as? [String: Any])?["skipped"] as? [[String: String]]
        #expect(skipped?.first?["file"] == broken.path)
    }

    @Test func dataInspectSummarizesTheFolderAndNamesItsClasses() throws {
        let folder = try Self.workspace()
        let outcome = try RunexpBinary.run(["data", "inspect", "pictures"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("images: uint8 [12, 8, 8, 3]"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("labels: uint8 [12]"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("classes: 0 circles, 1 squares"), "\(outcome.stdout)")
    }

    @Test func dataExportWritesTheFoldersImagesAndLabels() throws {
        let folder = try Self.workspace()
        let outcome = try RunexpBinary.run(
            ["data", "export", "tiny.yaml", "--set", "data.source={images: pictures}", "--out", "images.npz"],
            in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let inspected = try RunexpBinary.run(["data", "inspect", "images.npz"], in: folder)
        #expect(inspected.stdout.contains("train_x: uint8 [11, 8, 8, 3]"), "\(inspected.stdout)")
        #expect(inspected.stdout.contains("valid_x: uint8 [1, 8, 8, 3]"), "\(inspected.stdout)")
    }

    @Test func anUnknownSourceKindListsImagesAmongTheKinds() throws {
        let folder = try Self.workspace()
        let outcome = try RunexpBinary.run(["check", "tiny.yaml", "--set", "data.source={png: pictures}"], in: folder)
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains(
                "data.source must name exactly one of npy, npz, homework, idx, images, cifar10, cifar100 with its path"),
            "\(outcome.stderr)")
    }
}
