import Foundation
import Testing

@testable import Data

/// The three RGB bytes of pixel (image, row, column) of an N×H×W×3 uint8 array.
func pixel(_ images: NumericArray, _ image: Int, _ row: Int, _ column: Int) -> [UInt8] {
    let offset = ((image * images.shape[1] + row) * images.shape[2] + column) * 3
    return Array(images.bytes[offset..<(offset + 3)])
}

func byteSum(_ array: NumericArray) -> Int { array.bytes.reduce(0) { $0 + Int($1) } }

// Expected values below were computed with NumPy from the same files.
let sampleTrainLabels: [UInt8] = [
    5, 7, 4, 3, 2, 6, 2, 2, 9, 9, 0, 6, 7, 4, 7, 3, 1, 4, 7, 1, 8, 6, 0, 7, 2, 3, 7, 3, 0, 3,
    4, 3, 6, 1, 3, 7, 4, 3, 7, 6, 5, 8, 3, 8, 1, 6, 6, 9, 1, 2, 1, 7, 0, 4, 9, 5, 8, 2, 4, 0,
]
let sampleValidationLabels: [UInt8] = [5, 3, 8, 7, 7, 3, 7, 9, 1, 4, 7, 9, 8, 3, 7, 9, 7, 2, 3, 8]
let sampleTestLabels: [UInt8] = [6, 4, 2, 9, 6, 7, 7, 3, 3, 8, 5, 4, 6, 7, 6, 2, 2, 0, 3, 8]

@Test func homeworkProtocol3SampleHasExpectedShapesLabelsAndPixels() throws {
    let data = try HomeworkDataset.read(path: SharedSamples.path("homework/MNIST_M_sample_p3.npy"))
    #expect(data.train.images.shape == [60, 28, 28, 3])
    #expect(data.validation.images.shape == [20, 28, 28, 3])
    #expect(data.test.images.shape == [20, 28, 28, 3])
    #expect(data.train.labels == sampleTrainLabels)
    #expect(data.validation.labels == sampleValidationLabels)
    #expect(data.test.labels == sampleTestLabels)
    #expect(pixel(data.train.images, 0, 0, 0) == [166, 136, 125])
    #expect(pixel(data.train.images, 59, 27, 27) == [58, 74, 110])
    #expect(pixel(data.validation.images, 5, 14, 14) == [199, 184, 153])
    #expect(pixel(data.test.images, 19, 0, 27) == [16, 28, 50])
    #expect(
        [data.train, data.validation, data.test].map { byteSum($0.images) } == [16_356_459, 5_610_706, 5_452_733]
            as [Int])
}

@Test func homeworkProtocol2OneHotSampleMatchesProtocol3Sample() throws {
    let plain = try HomeworkDataset.read(path: SharedSamples.path("homework/MNIST_M_sample_p3.npy"))
    let oneHot = try HomeworkDataset.read(path: SharedSamples.path("homework/MNIST_M_sample_p2_onehot.npy"))
    #expect(oneHot == plain)
    #expect(oneHot.train.labels == sampleTrainLabels)
}

@Test(arguments: [
    ("pickle3", PickleFixtures.pickle3), ("pickle4", PickleFixtures.pickle4), ("pickle5", PickleFixtures.pickle5),
])
func homeworkReadsPickleProtocols3To5(name: String, data: Data) throws {
    let read = try HomeworkDataset.read(data: data, source: name)
    #expect([read.train.count, read.validation.count, read.test.count] == [3, 2, 1] as [Int])
    #expect(read.train.images.shape == [3, 4, 4, 3])
    #expect([read.train.labels, read.validation.labels, read.test.labels] == [[0, 1, 2], [7, 8], [4]] as [[UInt8]])
    #expect(pixel(read.train.images, 2, 3, 1) == [72, 88, 197])
    #expect(pixel(read.test.images, 0, 0, 0) == [39, 55, 11])
    #expect([read.train, read.validation, read.test].map { byteSum($0.images) } == [17012, 11648, 5691] as [Int])
}

@Test(arguments: [
    ("pickle2", PickleFixtures.pickle2FortranOneHot), ("pickle5", PickleFixtures.pickle5FortranOneHot),
])
func homeworkReadsFortranImagesAndBigEndianOneHotLabels(name: String, data: Data) throws {
    let read = try HomeworkDataset.read(data: data, source: name)
    #expect([read.train.labels, read.validation.labels, read.test.labels] == [[0, 1, 2], [7, 8], [4]] as [[UInt8]])
    #expect(pixel(read.train.images, 2, 3, 1) == [178, 157, 240])
    #expect(pixel(read.validation.images, 1, 2, 3) == [66, 191, 240])
    #expect([read.train, read.validation, read.test].map { byteSum($0.images) } == [20571, 12957, 6978] as [Int])
}

@Test func classIndicesRejectsRowsThatAreNotOneHot() throws {
    let twoHot = try NumericArray(shape: [2, 3], elements: [0.0, 1, 0, 1, 1, 0])
    #expect(throws: SourceError("l", "label row 1 is not one-hot: column 1 holds 1.0")) {
        _ = try classIndices(twoHot, source: "l")
    }
    let blank = try NumericArray(shape: [1, 3], elements: [Float(0), 0, 0])
    #expect(throws: SourceError("l", "label row 0 is not one-hot: all zeros")) {
        _ = try classIndices(blank, source: "l")
    }
    let fractional = try NumericArray(shape: [2], elements: [1.0, 2.5])
    #expect(throws: SourceError("l", "label 1 is 2.5; expected a class index from 0 to 255")) {
        _ = try classIndices(fractional, source: "l")
    }
}
