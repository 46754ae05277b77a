import Foundation

/// A streamed image folder's pictures kept as their paths and decoded when a batch needs them, so
/// a folder larger than memory can be trained on. Every file was decoded once when the folder was
/// read (so an unreadable one is refused before training, as in memory), and decodes to the
/// same bytes each time: a streamed split gives exactly the pixels the in-memory one would.
public struct ImageFiles: Sendable, Equatable {
    /// The files, one per image, in the split's order.
    public var paths: [String]
    /// How each decoded picture is brought to `shape`.
    public var fitting: ImageFitting
    /// Height, width and channels of every image once fitted and converted.
    public var shape: [Int]

    /// Files whose pictures fitted by `fitting` are `shape` (H, W, C).
    public init(paths: [String], fitting: ImageFitting, shape: [Int]) {
        (self.paths, self.fitting, self.shape) = (paths, fitting, shape)
    }

    /// The bytes of one image: height × width × channels.
    public var imageSize: Int { shape.reduce(1, *) }

    /// The files at `indices`, in that order.
    func subset(_ indices: [Int]) -> ImageFiles {
        ImageFiles(paths: indices.map { paths[$0] }, fitting: fitting, shape: shape)
    }

    /// Decodes image `index` into `destination`, which holds `imageSize` bytes. A file that can no
    /// longer be read, or now has another size, is named with why.
    public func decode(_ index: Int, into destination: UnsafeMutablePointer<UInt8>) throws {
        let path = paths[index]
        let image = ImageFitting.converted(
            try fitting.fit(try ImageDecoder.decode(try readFile(path), source: path), source: path),
            channels: shape[2])
        guard image.height == shape[0], image.width == shape[1] else {
            throw SourceError(
                path,
                "is now \(image.width)×\(image.height) pixels; when the folder was read every image was "
                    + "\(shape[1])×\(shape[0]) (was the file replaced during the run?)")
        }
        image.pixels.withUnsafeBufferPointer { destination.update(from: $0.baseAddress!, count: imageSize) }
    }
}
