import Foundation
import Testing

@testable import Data

@Test func idxTestSplitHasOfficialLabelCountsAndMeanPixel() throws {
    let test = try IDX.readLabeledImages(
        images: SharedSamples.path("mnist/t10k-images-idx3-ubyte.gz"),
        labels: SharedSamples.path("mnist/t10k-labels-idx1-ubyte.gz"))
    #expect(test.images.shape == [10_000, 28, 28, 1])
    var counts = [Int](repeating: 0, count: 10)
    for label in test.labels { counts[Int(label)] += 1 }
    #expect(counts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    let total = test.images.bytes.reduce(0) { $0 + Int($1) }
    #expect(total == 264_923_200)  // mean 33.79
    #expect(abs(Double(total) / Double(test.images.count) - 33.79) < 0.005)
}

func idxError(_ bytes: [UInt8]) -> String {
    do {
        _ = try IDX.read(data: Data(bytes), source: "bad.idx")
        return "no error"
    } catch { return "\(error)" }
}

@Test func idxReadsPlainBigEndianTypes() throws {
    let int16: [UInt8] = [0, 0, 0x0B, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0x01, 0x02, 0xFF, 0xFE]
    let array = try IDX.read(data: Data(int16), source: "t.idx")
    #expect(array.shape == [1, 2])
    #expect(try array.elements(as: Int16.self) == [0x0102, -2])
    let float32: [UInt8] = [0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0xC0, 0, 0]
    #expect(try IDX.read(data: Data(float32), source: "t.idx").elements(as: Float.self) == [1.5])
}

@Test func idxRejectsWrongMagicUnknownTypeAndBadSizes() {
    #expect(
        idxError([0x50, 0x4B, 3, 4, 0, 0]).contains(
            "not an IDX file: expected magic 0x000008XX-0x00000EXX, found 0x504b0304"))
    #expect(idxError([0, 0, 0x07, 1, 0, 0, 0, 1, 9]).contains("unknown IDX type code 0x7"))
    #expect(idxError([0, 0, 8, 2, 0, 0, 0, 2, 0, 0]).contains("expected 4 bytes of IDX dimension 1 at offset 8"))
    #expect(
        idxError([0, 0, 8, 1, 0, 0, 0, 3, 1, 2]).contains("data truncated: shape [3] of uint8 needs 3 bytes, found 2"))
    #expect(
        idxError([0, 0, 8, 1, 0, 0, 0, 1, 1, 2]).contains(
            "data has trailing bytes: shape [1] of uint8 needs 1 bytes, found 2"))
}

@Test func idxReadsGzipAndRejectsTruncatedOrCorruptGzip() throws {
    let gzipped = try Data(contentsOf: URL(fileURLWithPath: SharedSamples.path("mnist/train-5k-labels-idx1-ubyte.gz")))
    let cut = [UInt8](gzipped.prefix(gzipped.count - 10))
    #expect(idxError(cut).contains("compressed data is truncated"))
    var corrupt = [UInt8](gzipped)
    corrupt[3] = 0xFF  // reserved gzip flag bits
    #expect(idxError(corrupt).contains("corrupt compressed data"))
    let labels = try IDX.read(data: gzipped, source: "labels")
    #expect(labels.shape == [5000])
    var counts = [Int](repeating: 0, count: 10)
    for label in labels.bytes { counts[Int(label) % 10] += 1 }
    #expect(counts == [Int](repeating: 500, count: 10))
}
