import Analysis
import Foundation
import Testing

/// Where a measuring run expects the decompressed MNIST test set (`gunzip -c … > /tmp/t10k-images`).
private let imagesPath = "/tmp/t10k-images"
private let labelsPath = "/tmp/t10k-labels"

/// Only measuring runs opt in: `RUNEXP_TSNE_BENCH=1` and the unpacked files; never part of CI.
private let benchmarkEnabled =
    ProcessInfo.processInfo.environment["RUNEXP_TSNE_BENCH"] != nil
    && FileManager.default.fileExists(atPath: imagesPath)

/// Issue 6's t-SNE figures on the 10,000 MNIST test digits. Prints the seconds and the map's
/// 10-NN accuracy; run it in release.
@Test(.enabled(if: benchmarkEnabled))
func mnistTSNEBenchmarkReachesIssueSixAccuracy() throws {
    let images = try [UInt8](Data(contentsOf: URL(fileURLWithPath: imagesPath)))
    let labelBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: labelsPath)))
    // IDX: 16-byte header for images, 8-byte for labels.
    let count = (labelBytes.count - 8)
    let dimension = 784
    #expect(images.count == 16 + count * dimension)
    let points = images[16...].map { Float($0) / 255 }
    let labels = labelBytes[8...].map { Int($0) }
    let result = try TSNEBenchmark.run(points: points, count: count, dimension: dimension, labels: labels)
    print("t-SNE on \(count) MNIST test digits: \(result.seconds) s, 10-NN map accuracy \(result.mapAccuracy ?? -1)")
    #expect((result.mapAccuracy ?? 0) >= 0.94)
}
