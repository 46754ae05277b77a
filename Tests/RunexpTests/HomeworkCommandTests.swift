import Foundation
import Testing

/// `runexp data homework --out DIR`: the assignment's three files, which `data inspect` and a run's
/// `homework` and `npy` sources then read.
struct HomeworkCommandTests {
    @Test func theThreeFilesAreWrittenAndReadAsTheAssignmentGivesThem() throws {
        let folder = try Scratch()
        let made = try RunexpBinary.run(["data", "homework", "--out", folder.path("hw")])
        #expect(made.status == 0, "\(made.stderr)")
        let inspected = try RunexpBinary.run(
            ["data", "inspect"] + ["MNIST_M.npy", "data.npy", "labels.npy"].map { folder.path("hw/\($0)") })
        #expect(inspected.status == 0, "\(inspected.stderr)")
        for line in [
            "train_x: uint8 [5900, 28, 28, 3]", "valid_x: uint8 [100, 28, 28, 3]", "test_y: uint8 [1000], min 0, max 9",
            "array: float32 [5900, 784], min 0, max 1", "array: uint8 [5900], min 0, max 9",
        ] {
            #expect(inspected.stdout.contains(line), "missing \(line) in \(inspected.stdout)")
        }
        let checked = try RunexpBinary.run(
            ["check", "experiments/cnn_ae.yaml", "--set", "data.source={homework: \(folder.path("hw/MNIST_M.npy"))}"])
        #expect(checked.status == 0, "\(checked.stderr)")
    }
}
