import CJPEG
import CPNG
import Foundation

/// One decoded picture: 8-bit pixels, rows top to bottom, channels interleaved.
public struct DecodedImage: Sendable, Equatable {
    /// The width and height in pixels.
    public var width: Int, height: Int
    /// 1 (grayscale) or 3 (RGB).
    public var channels: Int
    /// height × width × channels bytes.
    public var pixels: [UInt8]

    /// An image of the given size whose `pixels` hold height × width × channels bytes.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * channels, "pixel count does not match the size")
        (self.width, self.height, self.channels, self.pixels) = (width, height, channels, pixels)
    }
}

/// PNG and JPEG files decoded by Debian's libpng (its simplified API) and libjpeg-turbo (through
/// the CJPEG shim, which keeps libjpeg's error jumps inside C), told apart by their first bytes.
public enum ImageDecoder {
    /// The widest or tallest image read: far beyond any photo, so a lying header is refused
    /// before anything is allocated.
    public static let sideLimit = 16384
    /// The most pixels an image may have: 2²⁶ (64 megapixels, 192 MB as RGB).
    public static let pixelLimit = 1 << 26

    /// The image file `data` as grayscale or RGB (whichever the file holds; an alpha channel is
    /// dropped, as PIL's `convert("RGB")` does); `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws -> DecodedImage {
        let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if data.starts(with: pngSignature) { return try decodePNG(data, source: source) }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return try decodeJPEG(data, source: source) }
        let expected = "expected a PNG or JPEG image"
        guard !data.isEmpty else { throw SourceError(source, "the file is empty (0 bytes); \(expected)") }
        let found = data.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
        throw SourceError(source, "not an image: \(expected), found bytes \(found)")
    }

    static func checkSize(width: Int, height: Int, format: String, source: String) throws {
        guard width > sideLimit || height > sideLimit || width * height > pixelLimit else { return }
        throw SourceError(
            source,
            "\(format) header declares \(width)×\(height) pixels, more than the \(sideLimit) per side or "
                + "\(pixelLimit) in all that runexp reads")
    }

    static func decodePNG(_ data: Data, source: String) throws -> DecodedImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        func failure() -> SourceError {
            let message = withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            return SourceError(source, "cannot decode the PNG: \(message)")
        }
        let begun = data.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw failure() }
        let (width, height) = (Int(image.width), Int(image.height))
        try checkSize(width: width, height: height, format: "PNG", source: source)
        let color = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        // A 16-bit file is read as it is (libpng would otherwise take it for linear light and
        // brighten it into sRGB) and its top 8 bits kept, as PIL keeps them.
        let wide = image.format & UInt32(PNG_FORMAT_FLAG_LINEAR) != 0
        // Read with alpha kept, then dropped here: libpng would otherwise composite onto black.
        image.format =
            (color ? UInt32(PNG_FORMAT_RGB) : UInt32(PNG_FORMAT_GRAY)) | UInt32(PNG_FORMAT_FLAG_ALPHA)
            | (wide ? UInt32(PNG_FORMAT_FLAG_LINEAR) : 0)
        let (stored, channels) = color ? (4, 3) : (2, 1)
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        if wide {
            var buffer = [UInt16](repeating: 0, count: width * height * stored)
            let finished = buffer.withUnsafeMutableBytes {
                png_image_finish_read(&image, nil, $0.baseAddress, Int32(width * stored), nil)
            }
            guard finished != 0 else { throw failure() }
            for pixel in 0..<(width * height) {
                // libpng's 16-bit colour comes premultiplied by alpha.
                let alpha = Int(buffer[pixel * stored + stored - 1])
                for channel in 0..<channels {
                    let value = Int(buffer[pixel * stored + channel])
                    // Opaque pixels keep their exact top byte; a translucent one's colour, rounded by
                    // the premultiplication, is rounded to the nearest byte.
                    let straight = alpha == 0 ? 0 : min(65535, (value * 65535 + alpha / 2) / alpha)
                    pixels[pixel * channels + channel] = UInt8(
                        alpha == 65535 ? value >> 8 : min(255, (straight + 128) >> 8))
                }
            }
        } else {
            var buffer = [UInt8](repeating: 0, count: width * height * stored)
            let finished = buffer.withUnsafeMutableBytes {
                png_image_finish_read(&image, nil, $0.baseAddress, Int32(width * stored), nil)
            }
            guard finished != 0 else { throw failure() }
            for pixel in 0..<(width * height) {
                for channel in 0..<channels { pixels[pixel * channels + channel] = buffer[pixel * stored + channel] }
            }
        }
        return DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    static func decodeJPEG(_ data: Data, source: String) throws -> DecodedImage {
        var message = [CChar](repeating: 0, count: Int(JMSG_LENGTH_MAX))
        var (width, height, channels): (Int32, Int32, Int32) = (0, 0, 0)
        let decoded = data.withUnsafeBytes { bytes in
            runexp_jpeg_decode(
                bytes.bindMemory(to: UInt8.self).baseAddress, UInt(bytes.count), UInt(sideLimit), UInt(pixelLimit),
                &width, &height, &channels, &message)
        }
        guard let decoded else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw SourceError(source, "cannot decode the JPEG: \(reason)")
        }
        defer { free(decoded) }
        let count = Int(width) * Int(height) * Int(channels)
        return DecodedImage(
            width: Int(width), height: Int(height), channels: Int(channels),
            pixels: Array(UnsafeBufferPointer(start: decoded, count: count)))
    }
}

/// Images written as PNG (libpng) or JPEG (libjpeg-turbo): for image folders a test or a
/// reference makes.
public enum ImageEncoder {
    /// `image` as PNG bytes.
    public static func png(_ image: DecodedImage) throws -> Data {
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        (png.width, png.height) = (UInt32(image.width), UInt32(image.height))
        png.format = image.channels == 3 ? UInt32(PNG_FORMAT_RGB) : UInt32(PNG_FORMAT_GRAY)
        var size = 0
        let stride = Int32(image.width * image.channels)
        guard png_image_write_to_memory(&png, nil, &size, 0, image.pixels, stride, nil) != 0 else {
            throw SourceError("PNG encoder", "cannot size the PNG")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        guard png_image_write_to_memory(&png, &bytes, &size, 0, image.pixels, stride, nil) != 0 else {
            throw SourceError("PNG encoder", "cannot write the PNG")
        }
        return Data(bytes.prefix(size))
    }

    /// `image` as baseline JPEG bytes of `quality` (1–100).
    public static func jpeg(_ image: DecodedImage, quality: Int = 90) throws -> Data {
        var message = [CChar](repeating: 0, count: Int(JMSG_LENGTH_MAX))
        var size: UInt = 0
        guard
            let encoded = runexp_jpeg_encode(
                image.pixels, Int32(image.width), Int32(image.height), Int32(image.channels), Int32(quality), &size,
                &message)
        else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw SourceError("JPEG encoder", reason)
        }
        defer { free(encoded) }
        return Data(bytes: encoded, count: Int(size))
    }
}
