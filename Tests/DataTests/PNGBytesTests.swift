import Foundation
import Testing

@testable import Data

/// PNGs read from memory, as the fuzz target feeds them, match the file reader, and a header that
/// claims more pixels than any photo is refused before Cairo allocates for it.
struct PNGBytesTests {
    @Test func aPNGReadFromBytesEqualsTheSameFileReadFromDisk() throws {
        let name = try #require(try EmbeddedData.backgroundNames().first)
        let path = EmbeddedData.resourceDirectory.appendingPathComponent("backgrounds/\(name)").path
        let fromDisk = try PNGImage.readRGB(path: path)
        let fromBytes = try PNGImage.readRGB(data: try Data(contentsOf: URL(fileURLWithPath: path)), source: name)
        #expect(fromDisk == fromBytes)
        #expect(fromDisk.shape.count == 3 && fromDisk.shape[2] == 3)
    }

    @Test func aHeaderClaimingMorePixelsThanTheLimitIsRefusedNamingTheSize() throws {
        let name = try #require(try EmbeddedData.backgroundNames().first)
        var bytes = try [UInt8](
            Data(contentsOf: EmbeddedData.resourceDirectory.appendingPathComponent("backgrounds/\(name)")))
        bytes.replaceSubrange(16..<24, with: [0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30])  // 30000 × 30000
        #expect(
            throws: SourceError(
                "lies.png", "PNG header declares 30000×30000 pixels, more than the 268435456 runexp reads")
        ) {
            try PNGImage.readRGB(data: Data(bytes), source: "lies.png")
        }
    }

    @Test func aTruncatedPNGIsADataError() throws {
        let name = try #require(try EmbeddedData.backgroundNames().first)
        let bytes = try Data(contentsOf: EmbeddedData.resourceDirectory.appendingPathComponent("backgrounds/\(name)"))
        #expect(throws: SourceError.self) {
            try PNGImage.readRGB(data: bytes.prefix(bytes.count / 2), source: "cut.png")
        }
    }
}
