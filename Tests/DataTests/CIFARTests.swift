import Foundation
import Testing

@testable import Data

/// Tiny fake CIFAR folders in both of the authors' formats: Python 2 pickles (byte for byte what
/// `cPickle.dump(dict, f, 2)` writes for a numpy array) and binary records.
struct CIFARTests {
    /// `count` images of 3072 bytes (red plane, green plane, blue plane), each distinct.
    static func rows(_ count: Int, seed: Int) -> [UInt8] {
        (0..<(count * 3072)).map { UInt8(($0 * 13 + seed * 31 + $0 / 1024) % 256) }
    }

    /// A Python 2 protocol-2 pickle of `{'data': uint8 array N×3072, labelsKey: [ints], 'batch_label': '…'}`.
    static func pickledBatch(_ rows: [UInt8], labels: [Int], labelsKey: String) -> [UInt8] {
        var out: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x01, 0x28]
        func string(_ bytes: [UInt8]) {
            if bytes.count < 256 {
                out += [0x55, UInt8(bytes.count)] + bytes
            } else {
                out += [0x54] + (0..<4).map { UInt8(truncatingIfNeeded: bytes.count >> (8 * $0)) } + bytes
            }
        }
        func int(_ value: Int) {
            out += value < 256 ? [0x4B, UInt8(value)] : [0x4D, UInt8(value & 0xFF), UInt8(value >> 8)]
        }
        string(Array("data".utf8))
        out += Array("cnumpy.core.multiarray\n_reconstruct\nq\u{03}cnumpy\nndarray\nq\u{04}".utf8)
        int(0)
        out += [0x85]
        string([0x62])
        out += [0x87, 0x52, 0x71, 0x05, 0x28]
        int(1)
        int(labels.count)
        int(3072)
        out += [0x86] + Array("cnumpy\ndtype\nq\u{06}".utf8)
        string(Array("u1".utf8))
        int(0)
        int(1)
        out += [0x87, 0x52, 0x71, 0x07, 0x28]
        int(3)
        string(Array("|".utf8))
        out += [0x4E, 0x4E, 0x4E, 0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x4B, 0x00, 0x74, 0x62]
        out += Array("I00\n".utf8)
        string(rows)
        out += [0x74, 0x62, 0x71, 0x08]
        string(Array(labelsKey.utf8))
        out += [0x5D, 0x71, 0x09, 0x28]
        labels.forEach(int)
        out += [0x65]
        string(Array("batch_label".utf8))
        string(Array("training batch 1 of 1".utf8))
        out += [0x75, 0x2E]
        return out
    }

    /// A Python 2 pickle of `{namesKey: ['c0', 'c1', …]}`.
    static func pickledNames(_ count: Int, key: String) -> [UInt8] {
        var out: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x01, 0x55, UInt8(key.utf8.count)] + Array(key.utf8)
        out += [0x5D, 0x71, 0x02, 0x28]
        for index in 0..<count { out += [0x55, UInt8("c\(index)".utf8.count)] + Array("c\(index)".utf8) }
        return out + [0x65, 0x73, 0x2E]
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("runexp-cifar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ bytes: [UInt8], _ name: String, in folder: URL) throws {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// Pixel (row, column) of image `image` as RGB, from the planes.
    static func expectPixel(_ images: LabeledImages, _ rows: [UInt8], image: Int, at pixel: Int) {
        let base = (image * 1024 + pixel) * 3
        let got = Array(images.images.bytes[base..<(base + 3)])
        let planes = (0..<3).map { rows[image * 3072 + $0 * 1024 + pixel] }
        #expect(got == planes, "image \(image) pixel \(pixel)")
    }

    @Test func cifar10PythonBatchesReadWithTheOfficialSplitAndNames() throws {
        let folder = try Self.folder()
        var trainRows: [UInt8] = []
        for batch in 1...5 {
            let rows = Self.rows(2, seed: batch)
            trainRows += rows
            try Self.write(
                Self.pickledBatch(rows, labels: [batch, 9 - batch], labelsKey: "labels"), "data_batch_\(batch)",
                in: folder)
        }
        let testRows = Self.rows(3, seed: 9)
        try Self.write(Self.pickledBatch(testRows, labels: [0, 1, 2], labelsKey: "labels"), "test_batch", in: folder)
        try Self.write(Self.pickledNames(10, key: "label_names"), "batches.meta", in: folder)
        let splits = try CIFAR.read(folder.path, kind: .cifar10)
        #expect(splits.train.images.shape == [10, 32, 32, 3])
        #expect(splits.train.labels == [1, 8, 2, 7, 3, 6, 4, 5, 5, 4])
        #expect(splits.test.labels == [0, 1, 2])
        #expect(splits.classNames == (0..<10).map { "c\($0)" })
        for (image, pixel) in [(0, 0), (3, 517), (9, 1023)] {
            Self.expectPixel(splits.train, trainRows, image: image, at: pixel)
        }
        Self.expectPixel(splits.test, testRows, image: 2, at: 40)
    }

    @Test func cifar100PythonUsesTheFineLabels() throws {
        let folder = try Self.folder().appendingPathComponent("cifar-100-python")
        try Self.write(
            Self.pickledBatch(Self.rows(2, seed: 1), labels: [99, 42], labelsKey: "fine_labels"), "train", in: folder)
        try Self.write(
            Self.pickledBatch(Self.rows(1, seed: 2), labels: [7], labelsKey: "fine_labels"), "test", in: folder)
        try Self.write(Self.pickledNames(100, key: "fine_label_names"), "meta", in: folder)
        // The folder the download unpacks to is found inside the one named.
        let splits = try CIFAR.read(folder.deletingLastPathComponent().path, kind: .cifar100)
        #expect(splits.train.labels == [99, 42])
        #expect(splits.test.labels == [7])
        #expect(splits.classNames?.last == "c99")
    }

    @Test func binaryBatchesOfBothSetsRead() throws {
        let ten = try Self.folder()
        var trainRows: [UInt8] = []
        for batch in 1...5 {
            let rows = Self.rows(1, seed: batch)
            trainRows += rows
            try Self.write([UInt8(batch)] + rows, "data_batch_\(batch).bin", in: ten)
        }
        try Self.write([3] + Self.rows(1, seed: 7) + [4] + Self.rows(1, seed: 8), "test_batch.bin", in: ten)
        try Self.write(Array((0..<10).map { "n\($0)\n" }.joined().utf8), "batches.meta.txt", in: ten)
        let splits = try CIFAR.read(ten.path, kind: .cifar10)
        #expect(splits.train.labels == [1, 2, 3, 4, 5] && splits.test.labels == [3, 4])
        #expect(splits.classNames?.first == "n0")
        Self.expectPixel(splits.train, trainRows, image: 4, at: 700)
        let hundred = try Self.folder()
        try Self.write([1, 77] + Self.rows(1, seed: 1), "train.bin", in: hundred)
        try Self.write([2, 55] + Self.rows(1, seed: 2), "test.bin", in: hundred)
        let fine = try CIFAR.read(hundred.path, kind: .cifar100)
        #expect(fine.train.labels == [77] && fine.test.labels == [55] && fine.classNames == nil)
    }

    @Test func brokenFoldersAreRefusedByName() throws {
        let empty = try Self.folder()
        #expect {
            try CIFAR.read(empty.path, kind: .cifar10)
        } throws: { "\($0)".contains("no cifar10 batches: expected data_batch_1") }
        let cut = try Self.folder()
        try Self.write([1] + Self.rows(1, seed: 1), "train.bin", in: cut)
        try Self.write(Array(([2, 5] + Self.rows(1, seed: 2)).prefix(1000)), "test.bin", in: cut)
        #expect(
            throws: SourceError(
                cut.appendingPathComponent("train.bin").path,
                "3073 bytes is not a whole number of 3074-byte records (label, 3072 pixels)")
        ) {
            try CIFAR.read(cut.path, kind: .cifar100)
        }
        let outOfRange = try Self.folder()
        try Self.write(
            Self.pickledBatch(Self.rows(1, seed: 1), labels: [10], labelsKey: "labels"), "test_batch", in: outOfRange)
        for batch in 1...5 {
            try Self.write(
                Self.pickledBatch(Self.rows(1, seed: 1), labels: [0], labelsKey: "labels"), "data_batch_\(batch)",
                in: outOfRange)
        }
        #expect {
            try CIFAR.read(outOfRange.path, kind: .cifar10)
        } throws: { "\($0)".contains("test_batch: label 0 is 10; cifar10 has classes 0 to 9") }
    }

    /// `pickle.dumps({b'label_names': [b'airplane', …], b'num_vis': 3072}, protocol=2)` by Python 3,
    /// which writes each bytes value as `_codecs.encode(text, 'latin1')`.
    static let python3Meta =
        "gAJ9cQAoY19jb2RlY3MKZW5jb2RlCnEBWAsAAABsYWJlbF9uYW1lc3ECWAYAAABsYXRpbjFxA4ZxBFJxBV1xBihoAVgIAAAAYWlycGxhbmVx"
        + "B2gDhnEIUnEJaAFYCgAAAGF1dG9tb2JpbGVxCmgDhnELUnEMaAFYBAAAAGJpcmRxDWgDhnEOUnEPaAFYAwAAAGNhdHEQaAOGcRFScRJoAVgE"
        + "AAAAZGVlcnETaAOGcRRScRVoAVgDAAAAZG9ncRZoA4ZxF1JxGGgBWAQAAABmcm9ncRloA4ZxGlJxG2gBWAUAAABob3JzZXEcaAOGcR1ScR5o"
        + "AVgEAAAAc2hpcHEfaAOGcSBScSFoAVgFAAAAdHJ1Y2txImgDhnEjUnEkZWgBWAcAAABudW1fdmlzcSVoA4ZxJlJxJ00ADHUu"

    @Test func aMetaFilePickledByPython3ProtocolTwoNamesTheClasses() throws {
        let folder = try Self.folder()
        try Self.write([UInt8](try #require(Data(base64Encoded: Self.python3Meta))), "batches.meta", in: folder)
        let names = try CIFAR.readNames(folder.appendingPathComponent("batches.meta").path, key: "label_names")
        #expect(names.first == "airplane" && names.last == "truck" && names.count == 10)
    }

    @Test func aBatchRunexpWritesReadsBackToItsImagesAndLabels() throws {
        let pixels = (0..<(3 * 3072)).map { UInt8(($0 * 7) % 251) }
        let images = try LabeledImages(
            images: try NumericArray(shape: [3, 32, 32, 3], elements: pixels), labels: [42, 0, 99])
        let folder = try Self.folder()
        try Self.write(CIFAR.encodeBatch(images, kind: .cifar100), "train", in: folder)
        try Self.write(CIFAR.encodeBatch(images, kind: .cifar100), "test", in: folder)
        let splits = try CIFAR.read(folder.path, kind: .cifar100)
        #expect(splits.train == images && splits.test == images)
    }
}
