import Foundation
import Kernels
import Testing

@testable import RunFolder
@testable import Runner
@testable import Tools

/// The figure `runexp bench` can print for streamed data: a loop fed by the prefetcher, its share
/// of time spent waiting within the whole (the timings themselves are never asserted).
struct DataWaitBenchTests {
    static func measure(stream: Bool) throws -> Bench.DataWait {
        let folder = try ImageStreamingRunTests.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        return try Bench.dataWait(
            folder.appendingPathComponent("tiny.yaml").path,
            // A folder given by --set is found from the current folder, as on the command line.
            overrides: ["data.source={images: \(folder.path)/pictures, shape: [8, 8, 3], stream: \(stream)}"],
            seconds: 0.1, context: ExecutionContext(library: .openBLAS, threads: blasThreadCount()))
    }

    @Test func aStreamedFolderIsTrainedAndItsWaitIsAShareOfTheWhole() throws {
        let figure = try Self.measure(stream: true)
        #expect(figure.batches > 0)
        #expect(figure.imagesPerSecond > 0)
        #expect(figure.waitPercent >= 0 && figure.waitPercent <= 100)
    }

    @Test func aFolderSmallEnoughToHoldIsStreamedAllTheSame() throws {
        let figure = try Self.measure(stream: false)
        #expect(figure.batches > 0)
    }

    @Test func dataThatIsNotAnImageFolderIsRefusedSayingSo() throws {
        let path = RunexpBinary.packageRoot.appendingPathComponent("experiments/vae_mlp.yaml").path
        #expect(try !Bench.readsImageFolder(path))
        let error = #expect(throws: RunError.self) {
            try Bench.dataWait(
                path, seconds: 0.1, context: ExecutionContext(library: .openBLAS, threads: blasThreadCount()))
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("not an image folder"))
    }
}
