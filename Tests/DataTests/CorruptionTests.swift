import Foundation
import Testing

@testable import Data

/// Runs `read` on `variants` mutations of `original` and records any error that is not a SourceError.
func expectOnlyDataErrors(
    _ original: [UInt8], variants: Int, seed: UInt64, read: (Data) throws -> Void
) {
    var generator = SplitMix(seed: seed)
    for _ in 0..<variants {
        var bytes = original
        let cut = generator.next() % 4 == 0
        for _ in 0..<(1 + Int(generator.next() % 3)) {
            bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
        }
        if cut { bytes.removeLast(Int(generator.next() % UInt64(bytes.count))) }
        do {
            try read(Data(bytes))
        } catch is SourceError {
        } catch {
            Issue.record("not a SourceError: \(error)")
        }
    }
}

@Test func corruptedNpyFilesGiveOnlyDataErrors() throws {
    let original = NPY.encode(try sampleArray(.float64), byteOrder: .big)
    expectOnlyDataErrors(original, variants: 2000, seed: 1) { _ = try NPY.read(data: $0, source: "x.npy") }
}

@Test func corruptedNpzArchivesGiveOnlyDataErrors() throws {
    for compressed in [false, true] {
        let original = try NPZ.encode(npzSample(), compressed: compressed)
        expectOnlyDataErrors(original, variants: 1500, seed: 2) { _ = try NPZ.read(data: $0, source: "x.npz") }
    }
}

@Test func corruptedIdxFilesGiveOnlyDataErrors() throws {
    let plain: [UInt8] = [0, 0, 0x0C, 2, 0, 0, 0, 2, 0, 0, 0, 2] + [UInt8](repeating: 7, count: 16)
    expectOnlyDataErrors(plain, variants: 1500, seed: 3) { _ = try IDX.read(data: $0, source: "x.idx") }
    let gzipped = try [UInt8](
        Data(contentsOf: URL(fileURLWithPath: SharedSamples.path("mnist/train-5k-labels-idx1-ubyte.gz"))))
    expectOnlyDataErrors(gzipped, variants: 300, seed: 4) { _ = try IDX.read(data: $0, source: "x.idx.gz") }
}
