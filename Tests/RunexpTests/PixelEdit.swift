import Data
import Foundation
import Report

/// Changes one pixel of a PNG, for tests that need two images a pixel apart.
enum PixelEdit {
    static func flipFirstPixel(of path: String) throws {
        let image = try PNGImage.readRGB(path: path)
        var bytes = image.bytes
        bytes[0] = 255 - bytes[0]
        let grid = try GridImage(height: image.shape[0], width: image.shape[1], channels: 3, bytes: bytes)
        try Data(try ImageGrid(rows: [.init(label: nil, images: [grid])], scale: 1, gap: 0).pngBytes())
            .write(to: URL(fileURLWithPath: path))
    }
}
