import Data
import Foundation

/// The two decoders of the `images` source, each followed by the fitting a spec asks for, and the
/// pickled batches of the `cifar10` and `cifar100` sources.
extension FuzzTargets {
    /// A PNG as an image folder's file: libpng's simplified API, then resized, cropped, converted.
    public static let pngImage = FuzzTarget(
        name: "png-image", summary: "PNG bytes through ImageDecoder.decode (libpng's simplified API) and ImageFitting",
        seeds: [
            SeedFiles.pngRGB, SeedFiles.pngRGBA, SeedFiles.pngGray, SeedFiles.pngGrayAlpha, SeedFiles.pngPalette,
            SeedFiles.pngRGB16, SeedFiles.pngGray1, SeedFiles.pngInterlaced,
        ], dictionary: FormatTokens.png, maxLength: 4096, repair: ChecksumRepair.png, isExpected: isSourceError,
        body: { bytes in try decodeAndFit(bytes, source: "fuzz.png") })

    /// A JPEG as an image folder's file: libjpeg-turbo through the CJPEG shim, then fitted.
    public static let jpeg = FuzzTarget(
        name: "jpeg",
        summary: "JPEG bytes through ImageDecoder.decode (libjpeg-turbo via the CJPEG shim) and ImageFitting",
        seeds: jpegSeeds, dictionary: FormatTokens.jpeg, maxLength: 4096, isExpected: isSourceError,
        body: { bytes in try decodeAndFit(bytes, source: "fuzz.jpg") })

    /// A CIFAR batch of the Python version: a pickled dict through the restricted machine.
    public static let cifar = FuzzTarget(
        name: "cifar", summary: "CIFAR Python batches (pickled dicts) through CIFAR.readBatch(data:)",
        seeds: cifarSeeds, dictionary: FormatTokens.pickle + [Array("labels".utf8), Array("data".utf8)],
        maxLength: 8192, isExpected: isSourceError,
        body: { bytes in
            _ = try CIFAR.readBatch(data: Data(bytes), source: "fuzz_batch", labelsKey: "labels", kind: .cifar10)
        })

    /// Batches of one and two images, as Python 3 pickles them.
    static let cifarSeeds: [[UInt8]] = [1, 2].compactMap { count in
        let pixels = (0..<(count * 3072)).map { UInt8(($0 * 29) % 256) }
        guard let array = try? NumericArray(shape: [count, 32, 32, 3], elements: pixels),
            let images = try? LabeledImages(images: array, labels: (0..<count).map { UInt8($0 + 3) })
        else { return nil }
        return CIFAR.encodeBatch(images, kind: .cifar10)
    }

    /// Colour, grayscale and an odd size (partial 8×8 blocks and chroma pairs), made by libjpeg.
    static let jpegSeeds: [[UInt8]] = [(8, 8, 3, 90), (8, 8, 1, 50), (7, 5, 3, 100)].compactMap {
        width, height, channels, quality in
        let pixels = (0..<(width * height * channels)).map { UInt8(($0 * 37) % 256) }
        let image = DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
        return (try? ImageEncoder.jpeg(image, quality: quality)).map { [UInt8]($0) }
    }

    static func decodeAndFit(_ bytes: [UInt8], source: String) throws {
        let image = try ImageDecoder.decode(Data(bytes), source: source)
        _ = try ImageFitting(shape: [4, 4, 3], resize: 5, centerCrop: true).fit(image, source: source)
        _ = try ImageFitting(shape: [3, 5, 1]).fit(image, source: source)
    }
}
