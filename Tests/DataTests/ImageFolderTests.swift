import Foundation
import Testing

@testable import Data

/// PNG and JPEG files decoded by libpng and libjpeg-turbo, image folders read the way torchvision's
/// ImageFolder reads them, and every kind of bad file refused by name (or skipped and counted).
struct ImageFolderTests {
    /// A `width`×`height` picture whose pixels differ by position and channel.
    static func picture(width: Int = 8, height: Int = 8, channels: Int = 3, shift: Int = 0) -> DecodedImage {
        let pixels = (0..<(width * height * channels)).map { UInt8(($0 * 7 + shift) % 256) }
        return DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// A smooth picture, which JPEG keeps within a few levels.
    static func smooth(width: Int = 16, height: Int = 16, channels: Int = 3) -> DecodedImage {
        var pixels: [UInt8] = []
        for row in 0..<height {
            for column in 0..<width {
                for channel in 0..<channels { pixels.append(UInt8(40 + row * 6 + column * 4 + channel * 20)) }
            }
        }
        return DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("runexp-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ data: Data, _ name: String, in folder: URL) throws {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    @Test func pngRoundTripsExactlyInRGBAndGray() throws {
        for channels in [1, 3] {
            let image = Self.picture(width: 5, height: 3, channels: channels)
            #expect(try ImageDecoder.decode(try ImageEncoder.png(image), source: "t.png") == image)
        }
    }

    @Test func jpegDecodesToItsSizeAndChannelsWithinAFewLevels() throws {
        for channels in [1, 3] {
            let image = Self.smooth(channels: channels)
            let decoded = try ImageDecoder.decode(try ImageEncoder.jpeg(image, quality: 95), source: "t.jpg")
            #expect(decoded.width == 16 && decoded.height == 16 && decoded.channels == channels)
            let worst = zip(decoded.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 255
            #expect(worst <= 6, "largest difference \(worst)")
        }
    }

    @Test func classFoldersAreLabelsInByteOrderAndHiddenFilesAreLeftOut() throws {
        let folder = try Self.scratch()
        try Self.write(try ImageEncoder.png(Self.picture(shift: 1)), "dog/a.png", in: folder)
        try Self.write(try ImageEncoder.jpeg(Self.smooth(width: 8, height: 8)), "cat/x.jpg", in: folder)
        try Self.write(try ImageEncoder.png(Self.picture(channels: 1, shift: 2)), "Zebra/deeper/b.png", in: folder)
        try Self.write(Data("not an image".utf8), "cat/.DS_Store", in: folder)
        let read = try ImageFolder.read(folder.path)
        #expect(read.classNames == ["Zebra", "cat", "dog"])
        #expect(read.images.labels == [0, 1, 2])
        #expect(read.images.images.shape == [3, 8, 8, 3])
        // The grayscale picture is repeated into three channels.
        let gray = Self.picture(channels: 1, shift: 2).pixels
        #expect(Array(read.images.images.bytes[0..<6]) == [gray[0], gray[0], gray[0], gray[1], gray[1], gray[1]])
        #expect(read.skipped.isEmpty)
    }

    @Test func imagesDirectlyInTheFolderAreUnlabelledAndGrayStaysOneChannel() throws {
        let folder = try Self.scratch()
        for index in 0..<3 {
            try Self.write(try ImageEncoder.png(Self.picture(channels: 1, shift: index)), "\(index).png", in: folder)
        }
        let read = try ImageFolder.read(folder.path)
        #expect(read.classNames.isEmpty)
        #expect(read.images.images.shape == [3, 8, 8, 1])
        #expect(read.images.labels == [0, 0, 0])
    }

    @Test func classFoldersBesideLooseFilesAreRefused() throws {
        let folder = try Self.scratch()
        try Self.write(try ImageEncoder.png(Self.picture()), "cat/a.png", in: folder)
        try Self.write(try ImageEncoder.png(Self.picture()), "loose.png", in: folder)
        #expect {
            try ImageFolder.read(folder.path)
        } throws: { error in
            "\(error)".contains("holds both class folders (cat) and files directly in it (loose.png)")
        }
    }

    /// Each bad file, named by what is wrong with it, with the words its refusal must hold.
    static func badFiles() throws -> [(name: String, bytes: Data, reason: String)] {
        let png = try ImageEncoder.png(picture())
        let jpeg = try ImageEncoder.jpeg(smooth())
        var corruptPNG = png
        corruptPNG[corruptPNG.count / 2] ^= 0xFF
        var corruptJPEG = jpeg
        corruptJPEG.replaceSubrange(2..<6, with: [0xFF, 0xC0, 0x00, 0x02])
        return [
            ("empty.png", Data(), "the file is empty (0 bytes); expected a PNG or JPEG image"),
            ("notes.jpg", Data("hello, world".utf8), "not an image: expected a PNG or JPEG image, found bytes 68 65"),
            ("cut.png", png.prefix(png.count - 20), "cannot decode the PNG"),
            ("cut.jpg", jpeg.prefix(jpeg.count / 2), "cannot decode the JPEG: Premature end of JPEG file"),
            ("flipped.png", corruptPNG, "cannot decode the PNG"),
            ("broken.jpg", corruptJPEG, "cannot decode the JPEG"),
            ("huge.png", try hugePNG(), "PNG header declares 30000×30000 pixels, more than the 16384 per side"),
            ("huge.jpg", try hugeJPEG(), "the header declares 30000×30000 pixels, more than the 16384 per side"),
        ]
    }

    @Test func everyBadFileIsRefusedByNameWithItsReason() throws {
        for bad in try Self.badFiles() {
            let folder = try Self.scratch()
            try Self.write(try ImageEncoder.png(Self.picture()), "good.png", in: folder)
            try Self.write(bad.bytes, bad.name, in: folder)
            let path = folder.appendingPathComponent(bad.name).path
            #expect {
                try ImageFolder.read(folder.path)
            } throws: { error in
                guard let error = error as? SourceError else { return false }
                return error.source == path && error.problem.contains(bad.reason)
                    && error.problem.contains("skip_unreadable: true")
            }
        }
    }

    @Test func skipUnreadableLeavesEveryBadFileOutAndCountsIt() throws {
        let folder = try Self.scratch()
        let bad = try Self.badFiles()
        for (index, file) in bad.enumerated() {
            try Self.write(file.bytes, "\(index % 2 == 0 ? "a" : "b")/\(file.name)", in: folder)
        }
        try Self.write(try ImageEncoder.png(Self.picture()), "a/good.png", in: folder)
        try Self.write(try ImageEncoder.jpeg(Self.smooth(width: 8, height: 8)), "b/good.jpg", in: folder)
        let read = try ImageFolder.read(folder.path, skipUnreadable: true)
        #expect(read.images.count == 2)
        #expect(read.images.labels == [0, 1])
        #expect(read.skipped.count == bad.count)
        #expect(Set(read.skipped.map { URL(fileURLWithPath: $0.source).lastPathComponent }) == Set(bad.map(\.name)))
    }

    @Test func imagesOfDifferentSizesNeedAShape() throws {
        let folder = try Self.scratch()
        try Self.write(try ImageEncoder.png(Self.picture(width: 8, height: 8)), "a.png", in: folder)
        try Self.write(try ImageEncoder.png(Self.picture(width: 12, height: 6)), "b.png", in: folder)
        #expect {
            try ImageFolder.read(folder.path)
        } throws: { "\($0)".contains("images of different sizes (8×8 and 12×6): give `shape:") }
        let fitted = try ImageFolder.read(
            folder.path, fitting: ImageFitting(shape: [4, 4, 1], resize: 4, centerCrop: true))
        #expect(fitted.images.images.shape == [2, 4, 4, 1])
    }

    @Test func resizeKeepsTheAspectAndTheCropTakesTheCentre() throws {
        let wide = DecodedImage(width: 12, height: 6, channels: 3, pixels: [UInt8](repeating: 90, count: 12 * 6 * 3))
        let resized = try ImageFitting(shape: [3, 6, 3], resize: 3).fit(wide, source: "w.png")
        #expect(resized.width == 6 && resized.height == 3 && resized.pixels.allSatisfy { $0 == 90 })
        // Columns numbered 0…9 in one row: the centre 4 of 10 are columns 3…6.
        let row = DecodedImage(width: 10, height: 1, channels: 1, pixels: (0..<10).map { UInt8($0) })
        #expect(try ImageFitting(shape: [1, 4, 1], centerCrop: true).fit(row, source: "r.png").pixels == [3, 4, 5, 6])
        // Halving alternate 0 and 200 averages them inside; at the edges the filter's outer tap
        // falls off the image (as PIL's does), leaving the nearer pixels more weight.
        let stripes = DecodedImage(width: 8, height: 1, channels: 1, pixels: (0..<8).map { $0 % 2 == 0 ? 0 : 200 })
        #expect(try ImageFitting(shape: [1, 4, 1]).fit(stripes, source: "s.png").pixels == [86, 100, 100, 114])
        #expect {
            try ImageFitting(shape: [8, 8, 1], centerCrop: true).fit(row, source: "r.png")
        } throws: { "\($0)" == "r.png: is 10×1 pixels, smaller than the 8×8 centre crop" }
        let red = DecodedImage(width: 1, height: 1, channels: 3, pixels: [255, 0, 0])
        #expect(try ImageFitting(shape: [1, 1, 1]).fit(red, source: "red.png").pixels == [76])
    }

    @Test func aFolderInspectsAsImagesAndLabels() throws {
        let folder = try Self.scratch()
        for index in 0..<4 {
            try Self.write(
                try ImageEncoder.png(Self.picture(shift: index)), "\(index < 1 ? "cat" : "dog")/\(index).png",
                in: folder)
        }
        let (summaries, names) = try DataInspector.inspectFolder(folder.path)
        #expect(names == ["cat", "dog"])
        #expect(summaries.map(\.description).first?.hasPrefix("images: uint8 [4, 8, 8, 3], min 0, max 255") == true)
        #expect(summaries.last?.classCounts == [1, 3])
    }

    /// A valid PNG (its IHDR checksum repaired) whose header says 30000×30000.
    static func hugePNG() throws -> Data {
        var bytes = [UInt8](try ImageEncoder.png(picture()))
        bytes.replaceSubrange(16..<24, with: [0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30])
        let crc = bytes[12..<29].withUnsafeBytes { Zlib.crc32($0) }
        bytes.replaceSubrange(29..<33, with: (0..<4).map { UInt8(truncatingIfNeeded: crc >> (24 - 8 * $0)) })
        return Data(bytes)
    }

    /// A JPEG whose frame header (SOF0) says 30000×30000.
    static func hugeJPEG() throws -> Data {
        var bytes = [UInt8](try ImageEncoder.jpeg(smooth()))
        let frame = try #require((0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        bytes.replaceSubrange((frame + 5)..<(frame + 9), with: [0x75, 0x30, 0x75, 0x30])
        return Data(bytes)
    }

    /// A PNG of `depth`-bit samples of colour type `type` whose scanlines (each led by filter byte
    /// 0) are `raw`, compressed as one stored deflate block.
    static func rawPNG(width: Int, height: Int, depth: UInt8, type: UInt8, raw: [UInt8]) -> Data {
        func be(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
        func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
            let typed = Array(type.utf8) + body
            return be(body.count) + typed + be(Int(typed.withUnsafeBytes { Zlib.crc32($0) }))
        }
        var (a, b) = (1, 0)
        for byte in raw { (a, b) = ((a + Int(byte)) % 65521, (b + (a + Int(byte)) % 65521) % 65521) }
        let length = raw.count
        let stored =
            [
                0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF),
                UInt8((~length >> 8) & 0xFF),
            ] + raw + be(b << 16 | a)
        let header = be(width) + be(height) + [depth, type, 0, 0, 0]
        return Data(
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", stored)
                + chunk("IEND", []))
    }

    @Test func sixteenBitPNGsKeepTheirTopByteUnbrightened() throws {
        // Gray 0x8000 and 0xFFFF: libpng would take them for linear light and give 186 for the first.
        let gray = Self.rawPNG(width: 2, height: 1, depth: 16, type: 0, raw: [0, 0x80, 0x00, 0xFF, 0xFF])
        #expect(try ImageDecoder.decode(gray, source: "g16.png").pixels == [128, 255])
        // RGBA at half alpha keeps its straight colour, as 8-bit RGBA does.
        let rgba = Self.rawPNG(
            width: 1, height: 1, depth: 16, type: 6, raw: [0, 0x40, 0x00, 0x80, 0x00, 0xC0, 0x00, 0x80, 0x00])
        #expect(try ImageDecoder.decode(rgba, source: "rgba16.png").pixels == [64, 128, 192])
        let rgba8 = Self.rawPNG(width: 1, height: 1, depth: 8, type: 6, raw: [0, 64, 128, 192, 128])
        #expect(try ImageDecoder.decode(rgba8, source: "rgba8.png").pixels == [64, 128, 192])
    }
}
