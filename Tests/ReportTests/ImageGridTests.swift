import Data
import Foundation
import Testing

@testable import Report

private func solid(_ value: Float, side: Int = 4, channels: Int = 1) throws -> GridImage {
    try GridImage(
        height: side, width: side, channels: channels, values: Array(repeating: value, count: side * side * channels))
}

/// The RGB triple at (x, y) of an H×W×3 uint8 array.
private func pixel(_ image: NumericArray, x: Int, y: Int) -> [UInt8] {
    let width = image.shape[1]
    let base = (y * width + x) * 3
    return Array(image.bytes[base..<base + 3])
}

@Test func gridPNGHasTheLaidOutSize() throws {
    let grid = ImageGrid(rows: [ImageGrid.Row(images: [try solid(1), try solid(0), try solid(1)])], scale: 3, gap: 2)
    let bytes = try grid.pngBytes()
    let size = try #require(pngDimensions(bytes))
    // three 12-pixel cells, four 2-pixel gaps across; one cell and two gaps down
    #expect(size.width == 3 * 12 + 4 * 2)
    #expect(size.height == 12 + 2 * 2)
}

@Test func whiteCellComesBackWhiteAndBlackCellBlack() throws {
    let folder = try makeScratchFolder()
    let path = folder + "/cells.png"
    let grid = ImageGrid(
        rows: [ImageGrid.Row(images: [try solid(1), try solid(0)])], scale: 3, gap: 2,
        background: PlotColor(hex: 0x808080))
    try grid.writePNG(to: path)
    let image = try PNGImage.readRGB(path: path)
    #expect(pixel(image, x: 2, y: 2) == [255, 255, 255])
    #expect(pixel(image, x: 13, y: 13) == [255, 255, 255])
    #expect(pixel(image, x: 16, y: 2) == [0, 0, 0])
    #expect(pixel(image, x: 27, y: 13) == [0, 0, 0])
}

@Test func gapsAndMarginsHaveTheBackgroundColour() throws {
    let folder = try makeScratchFolder()
    let path = folder + "/gaps.png"
    let grid = ImageGrid(
        rows: [ImageGrid.Row(images: [try solid(1), try solid(1)])], scale: 3, gap: 2,
        background: PlotColor(hex: 0x336699))
    try grid.writePNG(to: path)
    let image = try PNGImage.readRGB(path: path)
    let background: [UInt8] = [0x33, 0x66, 0x99]
    #expect(pixel(image, x: 0, y: 0) == background)
    #expect(pixel(image, x: 14, y: 5) == background)  // between the two cells
    #expect(pixel(image, x: 15, y: 5) == background)
    #expect(pixel(image, x: 16, y: 5) == [255, 255, 255])
}

@Test func scalingRepeatsEachPixelAsABlock() throws {
    let folder = try makeScratchFolder()
    let path = folder + "/checker.png"
    // 2×2 RGB image: red, green / blue, white
    let values: [Float] = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]
    let image = try GridImage(height: 2, width: 2, channels: 3, values: values)
    try ImageGrid(rows: [ImageGrid.Row(images: [image])], scale: 5, gap: 1).writePNG(to: path)
    let read = try PNGImage.readRGB(path: path)
    #expect(pixel(read, x: 1, y: 1) == [255, 0, 0])
    #expect(pixel(read, x: 5, y: 5) == [255, 0, 0])
    #expect(pixel(read, x: 6, y: 5) == [0, 255, 0])
    #expect(pixel(read, x: 5, y: 6) == [0, 0, 255])
    #expect(pixel(read, x: 10, y: 10) == [255, 255, 255])
}

@Test func valuesOutsideTheUnitRangeAreClamped() throws {
    let folder = try makeScratchFolder()
    let path = folder + "/clamped.png"
    let grid = ImageGrid(
        rows: [ImageGrid.Row(images: [try solid(7.5), try solid(-3), try solid(.nan)])], scale: 2, gap: 1)
    try grid.writePNG(to: path)
    let image = try PNGImage.readRGB(path: path)
    #expect(pixel(image, x: 2, y: 2) == [255, 255, 255])
    #expect(pixel(image, x: 11, y: 2) == [0, 0, 0])
    #expect(pixel(image, x: 20, y: 2) == [0, 0, 0])
}

@Test func uint8BatchSplitsIntoImagesScaledFrom255() throws {
    let bytes = (0..<(2 * 3 * 3)).map { UInt8($0 * 10) }
    let batch = try NumericArray(shape: [2, 3, 3], elements: bytes)
    let images = try GridImage.images(from: batch)
    #expect(images.count == 2)
    #expect(images[1].channels == 1 && images[1].height == 3)
    #expect(images[1].values[0] == Float(90) / 255)
}

@Test func flattenedSquareRowsBecomeSquareImages() throws {
    let batch = try NumericArray(shape: [3, 784], elements: [Float](repeating: 0.5, count: 3 * 784))
    let images = try GridImage.images(from: batch)
    #expect(images.count == 3)
    #expect(images.allSatisfy { $0.width == 28 && $0.height == 28 })
}

@Test func nonSquareFlatRowsAreRejectedWithAnError() throws {
    let batch = try NumericArray(shape: [2, 10], elements: [Float](repeating: 0, count: 20))
    #expect(throws: SourceError.self) { try GridImage.images(from: batch) }
}

@Test func rowLabelsWidenTheGridAndAreDrawnInInk() throws {
    let folder = try makeScratchFolder()
    let path = folder + "/labelled.png"
    let row = [try solid(1, side: 28)]
    let unlabelled = ImageGrid(rows: [ImageGrid.Row(images: row)])
    let labelled = ImageGrid(rows: [ImageGrid.Row(label: "reconstruction", images: row)])
    let plainWidth = try unlabelled.pixelSize().width
    let labelledWidth = try labelled.pixelSize().width
    #expect(labelledWidth > plainWidth + 50)
    try labelled.writePNG(to: path)
    let image = try PNGImage.readRGB(path: path)
    let labelColumn = labelledWidth - plainWidth
    let dark = (0..<image.shape[0]).flatMap { y in (0..<labelColumn).map { x in pixel(image, x: x, y: y) } }
        .filter { $0.allSatisfy { $0 < 128 } }
    #expect(dark.count > 20)
}

@Test func tilingMakesRowsOfTheGivenLength() throws {
    let images = try (0..<23).map { _ in try solid(1) }
    let grid = ImageGrid(tiling: images, columns: 10)
    #expect(grid.rows.map(\.images.count) == [10, 10, 3])
}

@Test func emptyGridIsAnErrorNotACrash() throws {
    #expect(throws: SourceError.self) { try ImageGrid(rows: []).pngBytes() }
}

@Test func sameGridWrittenTwiceIsByteIdentical() throws {
    let images = try (0..<10).map { index in
        try GridImage(height: 28, width: 28, channels: 1, values: (0..<784).map { Float(($0 * 7 + index) % 97) / 96 })
    }
    let grid = ImageGrid(rows: [
        ImageGrid.Row(label: "original", images: images),
        ImageGrid.Row(label: "reconstruction", images: images.reversed()),
    ])
    #expect(try grid.pngBytes() == grid.pngBytes())
}

@Test func absurdImageSizesAreAnErrorNotAnOverflowTrap() throws {
    #expect(throws: SourceError.self) {
        try GridImage(height: Int.max / 2, width: 4, channels: 1, values: [])
    }
    let empty = try NumericArray(shape: [0, Int.max / 4, 8, 3], dtype: .uint8, bytes: [])
    #expect(throws: SourceError.self) { try GridImage.images(from: empty) }
}
