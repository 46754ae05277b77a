import Foundation
import Testing

@testable import Data

/// The assignment's `MNIST_M.npy` as runexp writes it reads back to the same splits, with the
/// header NumPy writes for a (3, 2) object array.
struct HomeworkWriterTests {
    static func split(_ count: Int, seed: Int) throws -> LabeledImages {
        let pixels = (0..<(count * 28 * 28 * 3)).map { UInt8(($0 * 11 + seed) % 256) }
        return try LabeledImages(
            images: try NumericArray(shape: [count, 28, 28, 3], elements: pixels),
            labels: (0..<count).map { UInt8(($0 + seed) % 10) })
    }

    @Test func aWrittenHomeworkFileReadsBackToItsSplits() throws {
        let written = HomeworkDataset(
            try Self.split(5, seed: 1), try Self.split(2, seed: 2), try Self.split(3, seed: 3))
        let bytes = written.encode()
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '|O', 'fortran_order': False, 'shape': (3, 2), }"))
        // The data starts on a 64-byte boundary, as NumPy aligns it.
        #expect((10 + headerLength) % 64 == 0)
        #expect(try HomeworkDataset.read(data: Data(bytes), source: "MNIST_M.npy") == written)
    }
}
