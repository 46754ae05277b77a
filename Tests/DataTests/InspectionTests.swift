import Foundation
import Testing

@testable import Data

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("runexp-\(UInt32.random(in: 0...UInt32.max))-\(name)")
        .path
}

@Test func plainFloatImagesAreReshapedTo28By28By1() throws {
    let sample = try NPY.read(path: SharedSamples.path("homework/data_sample.npy"))
    let images = try PlainImages.normalize(sample, source: "data.npy")
    #expect(images.shape == [60, 28, 28, 1])
    #expect(images.dtype == .float32)
}

@Test func plainImagesRejectOutOfRangeNaNEmptyAndOddShapes() throws {
    let big = try NumericArray(shape: [1, 784], elements: [Float](repeating: 2, count: 784))
    #expect(throws: SourceError("d", "element 0 is 2.0; float images must lie in [0, 1]")) {
        _ = try PlainImages.normalize(big, source: "d")
    }
    let nan = try NumericArray(shape: [1, 2, 2], elements: [0.5, .nan, 0, 1])
    #expect(throws: SourceError("d", "element 1 is nan; expected finite numbers (no NaN)")) {
        _ = try PlainImages.normalize(nan, source: "d")
    }
    let empty = try NumericArray(shape: [0, 784], elements: [UInt8]())
    #expect(throws: SourceError("d", "image array of shape [0, 784] is empty; expected at least one image")) {
        _ = try PlainImages.normalize(empty, source: "d")
    }
    let odd = try NumericArray(shape: [2, 5], elements: [UInt8](repeating: 1, count: 10))
    #expect(throws: SourceError("d", "images of shape [2, 5]: expected N×784, N×H×W or N×H×W×C with C = 1 or 3")) {
        _ = try PlainImages.normalize(odd, source: "d")
    }
}

@Test func plainImagesReadLabelsFromASecondFileAndCheckTheCount() throws {
    let imagesPath = temporaryPath("x.npy")
    let labelsPath = temporaryPath("y.npy")
    defer { for path in [imagesPath, labelsPath] { try? FileManager.default.removeItem(atPath: path) } }
    try NPY.write(try NumericArray(shape: [2, 3, 3], elements: [UInt8](0..<18)), to: imagesPath)
    try NPY.write(try NumericArray(shape: [2], elements: [Int64(4), 9]), to: labelsPath)
    let read = try PlainImages.read(path: imagesPath, labelsPath: labelsPath)
    #expect(read.images.shape == [2, 3, 3, 1])
    #expect(read.labels == [4, 9])
    try NPY.write(try NumericArray(shape: [3], elements: [Int64(4), 9, 1]), to: labelsPath)
    #expect(throws: SourceError(labelsPath, "3 labels for the 2 images in \(imagesPath)")) {
        _ = try PlainImages.read(path: imagesPath, labelsPath: labelsPath)
    }
}

@Test func inspectSummarizesHomeworkSplitsWithClassCounts() throws {
    let summaries = try DataInspector.inspect(path: SharedSamples.path("homework/MNIST_M_sample_p3.npy"))
    #expect(summaries.map(\.name) == ["train_x", "train_y", "valid_x", "valid_y", "test_x", "test_y"])
    #expect(summaries[0].shape == [60, 28, 28, 3])
    #expect(summaries[0].minimum == 0 && summaries[0].maximum == 255)
    #expect(summaries[1].classCounts == [5, 6, 6, 9, 7, 3, 7, 9, 4, 4])
    #expect(summaries[1].description.hasPrefix("train_y: uint8 [60], min 0, max 9, mean "))
}

@Test func inspectSummarizesPlainNpyNpzAndIdx() throws {
    let sample = try DataInspector.inspect(path: SharedSamples.path("homework/data_sample.npy"))
    #expect(sample.count == 1)
    #expect(sample[0].description.hasPrefix("array: float32 [60, 784], min 0, max 1, mean 0.1288"))
    let labels = try DataInspector.inspect(path: SharedSamples.path("mnist/train-5k-labels-idx1-ubyte.gz"))
    #expect(labels[0].classCounts == [Int](repeating: 500, count: 10))
    let npzPath = temporaryPath("a.npz")
    defer { try? FileManager.default.removeItem(atPath: npzPath) }
    try NPZ.write(try npzSample(), to: npzPath, compressed: true)
    #expect(try DataInspector.inspect(path: npzPath).map(\.name) == ["train_x", "train_y", "scale"])
}

@Test func inspectRejectsUnknownFileTypes() throws {
    let path = temporaryPath("what.bin")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
    #expect(
        throws: SourceError(
            path, "unknown file type: expected .npy, .npz, IDX (optionally gzipped) or PNG, found bytes 68 65 6c 6c 6f")
    ) {
        _ = try DataInspector.inspect(path: path)
    }
}
