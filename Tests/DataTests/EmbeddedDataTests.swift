import Foundation
import Testing

@testable import Data

@Test func embeddedMNISTSplitsLoadWithExpectedShapesAndBalancedTrainLabels() throws {
    let train = try EmbeddedData.mnistTrain()
    #expect(train.images.shape == [5000, 28, 28, 1])
    var counts = [Int](repeating: 0, count: 10)
    for label in train.labels { counts[Int(label)] += 1 }
    #expect(counts == [Int](repeating: 500, count: 10))
    let test = try EmbeddedData.mnistTest()
    #expect(test.images.shape == [10_000, 28, 28, 1])
    #expect(test.labels.prefix(10) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
}

@Test func embeddedBackgroundsListAndLoadAsRGB() throws {
    let names = try EmbeddedData.backgroundNames()
    #expect(names == ["astronaut.png", "chelsea.png", "coffee.png", "ihc.png", "rocket.png"])
    let coffee = try EmbeddedData.background(named: "coffee.png")
    #expect(coffee.dtype == .uint8)
    #expect(coffee.shape == [400, 600, 3])
    #expect(Array(coffee.bytes.prefix(6)) == [21, 13, 8, 21, 13, 9])  // row 0 unfiltered by hand from the PNG's IDAT
}

@Test func pngReaderUndoesPremultipliedAlpha() throws {
    // A 2×1 RGBA PNG written by Python's zlib (no numpy): opaque (200, 100, 50), then (200, 100, 50) at alpha 128.
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
        "runexp-alpha-\(UInt32.random(in: 0...UInt32.max)).png"
    ).path
    try Data(base64Encoded: alphaPNG).map { try $0.write(to: URL(fileURLWithPath: path)) }
    defer { try? FileManager.default.removeItem(atPath: path) }
    let image = try PNGImage.readRGB(path: path)
    #expect(image.shape == [1, 2, 3])
    #expect(Array(image.bytes.prefix(3)) == [200, 100, 50])
    #expect(zip(image.bytes.suffix(3), [200, 100, 50]).allSatisfy { abs(Int($0) - $1) <= 2 })
}

@Test func pngReaderRejectsFilesThatAreNotPNG() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
        "runexp-notpng-\(UInt32.random(in: 0...UInt32.max)).png"
    ).path
    try Data("not a png".utf8).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: SourceError.self) { _ = try PNGImage.readRGB(path: path) }
    do {
        _ = try PNGImage.readRGB(path: path)
    } catch {
        #expect("\(error)".hasPrefix("\(path): not a PNG file: expected the signature"))
    }
}

let alphaPNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAAD0lEQVR4nGM4kWL0H4gbABRcBDwZLyTQAAAAAElFTkSuQmCC"

@Test func pngFolderLoadsEveryPhotoInNameOrder() throws {
    let photos = try PNGImage.readFolder(SharedSamples.path("backgrounds"))
    #expect(photos.count == 5)
    #expect(photos[2] == (try EmbeddedData.background(named: "coffee.png")))
    #expect(photos.allSatisfy { $0.shape.count == 3 && $0.shape[2] == 3 })
}
