import Foundation
import Testing

/// `runexp data inspect` and `runexp data mnist-m`, run as a user runs them.
struct DataCommandTests {
    static let shared = RunexpBinary.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")

    @Test func inspectDescribesTheAssignmentsFiles() throws {
        let homework = Self.shared.appendingPathComponent("homework")
        let outcome = try RunexpBinary.run(
            [
                "data", "inspect", homework.appendingPathComponent("MNIST_M_sample_p3.npy").path,
                homework.appendingPathComponent("data_sample.npy").path,
            ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("  train_x: uint8 [60, 28, 28, 3], min 0, max 255, mean 115.9"))
        #expect(outcome.stdout.contains("  test_y: uint8 [20], min 0, max 9, mean 4.9; classes 0×1 1×0 2×3"))
        #expect(outcome.stdout.contains("  array: float32 [60, 784], min 0, max 1, mean 0.1288"))
    }

    @Test func inspectRefusesAFileOfAnotherKindWithExitTwo() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("not-data-\(UUID().uuidString).txt")
        try "hello, world".write(to: file, atomically: true, encoding: .utf8)
        let outcome = try RunexpBinary.run(["data", "inspect", file.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("\(file.path): unknown file type"))
    }

    /// `data inspect` reads a `.npy`'s preamble alone first: a version 2 file cut inside it is refused.
    @Test func inspectRefusesAVersionTwoNpyCutInsideItsPreambleWithExitTwo() throws {
        let scratch = try Scratch()
        try scratch.write("cut.npy", [0x93] + Array("NUMPY".utf8) + [2, 0, 0x76, 0])
        let outcome = try RunexpBinary.run(["data", "inspect", "cut.npy"], in: scratch.url)
        #expect(!outcome.signaled && outcome.status == 2, "status \(outcome.status): \(outcome.stderr.suffix(300))")
        #expect(outcome.stderr.contains("cut.npy: truncated .npy header: expected 12 bytes of preamble, found 10"))
    }

    @Test func mnistMRecipeWritesAnNpzWithEverySplit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mnistm-\(UUID().uuidString)")
        let digits = folder.appendingPathComponent("digits")
        try FileManager.default.createDirectory(at: digits, withIntermediateDirectories: true)
        for name in [
            "train-5k-images-idx3-ubyte.gz", "train-5k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz",
        ] {
            try FileManager.default.copyItem(
                at: Self.shared.appendingPathComponent("mnist/\(name)"),
                to: digits.appendingPathComponent(name))
        }
        let out = folder.appendingPathComponent("mnistm.npz").path
        let made = try RunexpBinary.run(
            [
                "data", "mnist-m", "--digits", digits.path, "--backgrounds",
                Self.shared.appendingPathComponent("backgrounds").path,
                "--out", out, "--seed", "3",
            ])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("train 4500, validation 500, test 10000"))
        let inspected = try RunexpBinary.run(["data", "inspect", out])
        for line in [
            "train_x: uint8 [4500, 28, 28, 3]", "valid_x: uint8 [500, 28, 28, 3]", "test_x: uint8 [10000, 28, 28, 3]",
            "test_y: uint8 [10000], min 0, max 9, mean 4.443; classes 0×980 1×1135",
        ] {
            #expect(inspected.stdout.contains(line), "missing \(line)")
        }
    }

    @Test func theAssignmentsHomeworkFileTrainsTheCNNAutoencoder() throws {
        let folder = try RunCommandTests.workspace()
        let file = Self.shared.appendingPathComponent("homework/MNIST_M_sample_p2_onehot.npy").path
        let outcome = try RunexpBinary.run(
            [
                RunexpBinary.packageRoot.appendingPathComponent("experiments/cnn_ae.yaml").path, "--out", "out",
                "--set", "data.source={homework: \(file)}", "--set", "train.epochs=1", "--set", "train.batch_size=20",
            ],
            in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let metrics =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: folder.appendingPathComponent("out/metrics.json"))) as? [String: Any]
        #expect(metrics?["validation_mse"] is Double)
        #expect(metrics?["test_mse"] is Double)
    }
}
