/// `data.source: {images: DIR, …}`: a folder of PNG and JPEG files, class subfolders as labels,
/// brought to one shape.
public struct ImageFolderSource: Sendable, Equatable {
    /// The folder, as written (relative to the spec's folder unless absolute).
    public var directory: String
    /// Height, width and channels (1: grayscale, 3: RGB) every image is fitted to; nil keeps the
    /// images' own size, which must then be the same for all.
    public var shape: [Int]?
    /// Scale each image so its shorter side has this many pixels (aspect kept) before fitting.
    public var resize: Int?
    /// Cut the centre out at `shape` instead of scaling the whole image to it.
    public var centerCrop: Bool
    /// Leave out (and count) files that cannot be read or decoded instead of refusing the data.
    public var skipUnreadable: Bool
    /// Decode the images a batch at a time while training (true) or hold them all in memory
    /// (false); nil decides by the folder's decoded size.
    public var stream: Bool?

    public init(
        directory: String, shape: [Int]?, resize: Int?, centerCrop: Bool, skipUnreadable: Bool, stream: Bool? = nil
    ) {
        self.directory = directory
        self.shape = shape
        self.resize = resize
        self.centerCrop = centerCrop
        self.skipUnreadable = skipUnreadable
        self.stream = stream
    }
}

extension SpecDecoder {
    /// The keys beside `images:` in `data.source`.
    func decodeImageFolder(_ map: inout MappingReader, directory: String) -> ImageFolderSource? {
        let shape = map.ifPresent("shape") { node -> [Int]? in
            guard let shape = scalars.intList(node, "data.source.shape") else { return nil }
            guard shape.count == 3, shape[2] == 1 || shape[2] == 3 else {
                log.error(
                    node.origin,
                    "data.source.shape must be [height, width, channels] with 1 (grayscale) or 3 (RGB) channels; "
                        + "found \(shape)")
                return nil
            }
            return shape
        }
        let resize = map.ifPresent("resize") { scalars.int($0, "data.source.resize", in: 1...Int.max) }
        let centerCrop = map.optional("center_crop", default: .scalar("false")) {
            scalars.bool($0, "data.source.center_crop")
        }
        let skip = map.optional("skip_unreadable", default: .scalar("false")) {
            scalars.bool($0, "data.source.skip_unreadable")
        }
        let stream = map.ifPresent("stream") { scalars.bool($0, "data.source.stream") }
        guard let centerCrop, let skip, !(map.writtenKeys.contains("shape") && shape == nil),
            !(map.writtenKeys.contains("resize") && resize == nil),
            !(map.writtenKeys.contains("stream") && stream == nil)
        else { return nil }
        if centerCrop && shape == nil {
            log.error(
                map.node.origin,
                "data.source.center_crop needs a shape to crop to: add `shape: [height, width, channels]`")
            return nil
        }
        return ImageFolderSource(
            directory: directory, shape: shape, resize: resize, centerCrop: centerCrop, skipUnreadable: skip,
            stream: stream)
    }
}
