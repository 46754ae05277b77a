import Foundation
import Testing

/// `data.source: {cifar10: DIR}` through the binary: a fake binary-version folder (one image per
/// batch) trains, with the official test split and the meta file's class names.
struct CIFARRunTests {
    @Test func aBinaryCIFAR10FolderTrainsWithItsTestSplitAndClassNames() throws {
        let spec = ImageFolderRunTests.spec.replacingOccurrences(
            of: "[dense: 192, sigmoid, reshape: [8, 8, 3]]", with: "[dense: 3072, sigmoid, reshape: [32, 32, 3]]")
        let folder = try RunCommandTests.workspace(base: spec)
        let batches = folder.appendingPathComponent("downloads/cifar-10-batches-bin")
        try FileManager.default.createDirectory(at: batches, withIntermediateDirectories: true)
        for (index, name) in [
            "data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch",
        ].enumerated() {
            var records: [UInt8] = []
            for image in 0..<2 {
                records.append(UInt8((index + image) % 10))
                records += (0..<3072).map { (pixel: Int) -> UInt8 in UInt8((pixel + image * 7 + index) % 256) }
            }
            try Data(records).write(to: batches.appendingPathComponent("\(name).bin"))
        }
        try Data((0..<10).map { "class\($0)\n" }.joined().utf8).write(
            to: batches.appendingPathComponent("batches.meta.txt"))
        let outcome = try RunexpBinary.run(
            ["tiny.yaml", "--out", "out", "--set", "data.source={cifar10: downloads}", "--set", "train.batch_size=2"],
            in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let run =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/run.json")))
            as? [String: Any]
        let data = run?["data"] as? [String: Any]
        #expect(data?["classes"] as? [String] == (0..<10).map { "class\($0)" })
        // 10 training images, one held out for validation; the test batch is the test split.
        #expect(data?["train"] as? Int == 9)
        let metrics =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/metrics.json")))
            as? [String: Any]
        #expect(metrics?["test_mse"] is Double)
    }
}
