import Foundation
import Testing
import Kernels

@testable import Data

extension SplitMix: RandomWordSource {}

/// A source that replays fixed words, to pin which crop the recipe takes.
struct ReplaySource: RandomWordSource {
    var words: [UInt64]
    mutating func next() -> UInt64 { words.isEmpty ? 0 : words.removeFirst() }
}

func gradientBackground(height: Int, width: Int, offset: UInt8) throws -> NumericArray {
    var bytes = [UInt8]()
    for row in 0..<height {
        for column in 0..<width {
            bytes += [UInt8(truncatingIfNeeded: row), UInt8(truncatingIfNeeded: column), offset]
        }
    }
    return try NumericArray(shape: [height, width, 3], elements: bytes)
}

@Test func mnistMOutputsAbsoluteDifferenceOfBinarizedDigitAndCrop() throws {
    var digit = [UInt8](repeating: 0, count: 28 * 28)
    digit[0] = 1  // faint ink still counts as ink
    digit[28 * 5 + 7] = 200
    let digits = try NumericArray(shape: [1, 28, 28, 1], elements: digit)
    let photos = [
        try gradientBackground(height: 30, width: 40, offset: 9),
        try gradientBackground(height: 28, width: 28, offset: 77),
    ]
    // Words with high bits chosen so index(below:) gives: photo 0, top 2 (of 3), left 12 (of 13).
    var random = ReplaySource(words: [0, UInt64.max / 3 * 2 + 5, UInt64.max / 13 * 12 + 12])
    let colour = try MNISTM.make(digits: digits, backgrounds: photos, random: &random)
    #expect(colour.shape == [1, 28, 28, 3])
    #expect(Array(colour.bytes[0..<3]) == [253, 243, 246] as [UInt8])  // 255 minus (row 2, column 12, 9)
    #expect(Array(colour.bytes[3..<6]) == [2, 13, 9] as [UInt8])
    let inked = (28 * 5 + 7) * 3
    #expect(Array(colour.bytes[inked..<(inked + 3)]) == [248, 236, 246] as [UInt8])  // 255 minus (row 7, column 19, 9)
}

@Test func mnistMIsIdenticalForTheSameSeedAndDiffersForAnother() throws {
    let digits = try NumericArray(shape: [3, 28, 28], elements: (0..<(3 * 784)).map { UInt8($0 % 7 == 0 ? 255 : 0) })
    let photos = [
        try gradientBackground(height: 40, width: 50, offset: 1),
        try gradientBackground(height: 29, width: 60, offset: 2),
    ]
    var first = SplitMix(seed: 7)
    var second = SplitMix(seed: 7)
    var other = SplitMix(seed: 8)
    let a = try MNISTM.make(digits: digits, backgrounds: photos, random: &first)
    #expect(a == (try MNISTM.make(digits: digits, backgrounds: photos, random: &second)))
    #expect(a != (try MNISTM.make(digits: digits, backgrounds: photos, random: &other)))
}

@Test func mnistMRejectsWrongShapesAndSmallBackgrounds() throws {
    var random = SplitMix(seed: 1)
    let digits = try NumericArray(shape: [1, 28, 28], elements: [UInt8](repeating: 0, count: 784))
    #expect(throws: SourceError("MNIST-M", "background 0 must be uint8 H×W×3 with H, W ≥ 28, found [27, 40, 3]")) {
        _ = try MNISTM.make(
            digits: digits, backgrounds: [try gradientBackground(height: 27, width: 40, offset: 0)], random: &random)
    }
    let wide = try NumericArray(shape: [1, 28, 28, 3], elements: [UInt8](repeating: 0, count: 784 * 3))
    #expect(
        throws: SourceError("MNIST-M", "digits must be uint8 N×28×28 or N×28×28×1, found uint8 of shape [1, 28, 28, 3]")
    ) {
        _ = try MNISTM.make(
            digits: wide, backgrounds: [try gradientBackground(height: 28, width: 28, offset: 0)], random: &random)
    }
}

@Test func indexBelowIsUniformAndInRange() {
    var random = SplitMix(seed: 3)
    var counts = [Int](repeating: 0, count: 6)
    for _ in 0..<6000 { counts[random.index(below: 6)] += 1 }
    #expect(counts.allSatisfy { $0 > 850 && $0 < 1150 })
}

@Test func permutationIsSeededAndContainsEveryIndexOnce() {
    var first = SplitMix(seed: 11)
    var second = SplitMix(seed: 11)
    let order = Shuffling.permutation(count: 50, random: &first)
    #expect(order.sorted() == Array(0..<50))
    #expect(order != Array(0..<50))
    #expect(order == Shuffling.permutation(count: 50, random: &second))
}

@Test func batchesCoverOrderAndDropShortLastOnRequest() {
    let order = Array(0..<10)
    #expect(Shuffling.batches(order, size: 4).map(Array.init) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]] as [[Int]])
    #expect(Shuffling.batches(order, size: 4, dropLast: true).count == 2)
}

@Test func validationSplitIsDisjointAndSized() throws {
    let images = try NumericArray(shape: [10, 1, 1, 1], elements: (0..<10).map(UInt8.init))
    let data = try LabeledImages(images: images, labels: (0..<10).map(UInt8.init))
    var random = SplitMix(seed: 5)
    let (train, validation) = try data.splitValidation(fraction: 0.3, random: &random)
    #expect(validation.count == 3)
    #expect(train.count == 7)
    #expect(Set(train.labels + validation.labels).count == 10)
    #expect(train.images.bytes == train.labels)
}

@Test func writeBatchScalesPixelsPerBatch() throws {
    let images = try NumericArray(shape: [3, 1, 2, 1], elements: [UInt8(0), 255, 51, 102, 3, 4])
    let data = try LabeledImages(images: images, labels: [0, 1, 2])
    var buffer = [Float](repeating: -1, count: 4)
    try buffer.withUnsafeMutableBufferPointer { try data.writeBatch([1, 0], scale: 1 / 255, into: $0) }
    #expect(zip(buffer, [0.2, 0.4, 0, 1] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 })
}

@Test func embeddedMNISTMIsByteIdenticalForTheSameSeed() throws {
    var first = SplitMix(seed: 2026)
    var second = SplitMix(seed: 2026)
    let a = try EmbeddedData.mnistM(random: &first)
    let b = try EmbeddedData.mnistM(random: &second)
    #expect(a.train.images.shape == [5000, 28, 28, 3])
    #expect(a.test.images.shape == [10_000, 28, 28, 3])
    #expect(a == b)
    #expect(a.test.labels == (try EmbeddedData.mnistTest()).labels)
}

@Test func mnistMNpzHasTheSixArraysNumPyExpects() throws {
    let images = try NumericArray(shape: [2, 28, 28, 3], elements: [UInt8](repeating: 9, count: 2 * 784 * 3))
    let split = try LabeledImages(images: images, labels: [3, 1])
    let path = temporaryPath("mnistm.npz")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try MNISTM.writeNpz(train: split, validation: split, test: split, to: path)
    let arrays = try NPZ.read(path: path)
    #expect(arrays.map(\.name) == ["train_x", "train_y", "valid_x", "valid_y", "test_x", "test_y"])
    #expect(try arrays.array(named: "test_y", source: path).bytes == [3, 1])
    #expect(try arrays.array(named: "valid_x", source: path) == images)
}

@Test func fashionMNISTMissingSaysHowToInstall() {
    #expect(
        throws: SourceError(
            "/nonexistent/fashion",
            "Fashion-MNIST is not installed; install it with `sudo apt-get install dataset-fashion-mnist` or give an idx: folder"
        )
    ) { _ = try FashionMNIST.read(directory: "/nonexistent/fashion") }
}

@Test func idxDirectoryReadsMNISTLayout() throws {
    let splits = try IDX.readDirectory(SharedSamples.path("mnist"))
    #expect(splits.train.count == 5000)
    #expect(splits.test.count == 10_000)
}

@Test func writeBatchRefusesIndicesOutsideTheDataSet() throws {
    let images = try NumericArray(shape: [2, 1, 1, 1], elements: [UInt8(1), 2])
    let data = try LabeledImages(images: images, labels: [0, 1])
    var buffer = [Float](repeating: 0, count: 2)
    #expect(throws: SourceError("data set", "batch index 2 is outside 0..<2")) {
        try buffer.withUnsafeMutableBufferPointer { try data.writeBatch([0, 2], scale: 1, into: $0) }
    }
}
