import Foundation

/// Reading IDX files, the format of MNIST and Fashion-MNIST: a big-endian header (two zero bytes,
/// a type code, the number of dimensions, then each dimension as 32 bits) followed by the data,
/// optionally gzipped.
public enum IDX {
    /// The largest inflated IDX file accepted, a bound against decompression bombs.
    public static let inflatedLimit = 1 << 34

    /// Reads the IDX file at `path`, gzipped or plain.
    public static func read(path: String) throws -> NumericArray {
        try read(data: try readFile(path), source: path)
    }

    /// Reads IDX bytes `data`, gunzipping them first when they start with the gzip magic 1f 8b.
    public static func read(data: Data, source: String) throws -> NumericArray {
        let bytes = try data.withUnsafeBytes { raw -> [UInt8] in
            guard raw.count >= 2, raw[0] == 0x1F, raw[1] == 0x8B else { return [UInt8](raw) }
            // The gzip trailer's size can lie: the inflated size is measured before anything is allocated.
            return try Zlib.inflate(raw, wrapping: .gzip, expectedSize: nil, limit: inflatedLimit, source: source)
        }
        return try decode(taking: bytes, source: source)
    }

    /// Decodes uncompressed IDX bytes, reusing their storage for the array.
    public static func decode(taking bytes: consuming [UInt8], source: String) throws -> NumericArray {
        let (dtype, shape, headerSize) = try bytes.withUnsafeBytes { raw in
            try header(ByteView(bytes: raw, source: source))
        }
        bytes.removeFirst(headerSize)
        return try ArrayLayout.adopt(bytes, shape: shape, dtype: dtype, order: .big, fortran: false, source: source)
    }

    private static func header(_ view: ByteView) throws -> (DType, [Int], Int) {
        let magic = try view.bigEndian(0, width: 4, "IDX magic number")
        guard magic >> 16 == 0 else {
            throw SourceError(
                view.source,
                "not an IDX file: expected magic 0x000008XX-0x00000EXX, found 0x\(String(magic, radix: 16))")
        }
        let code = Int(magic >> 8 & 0xFF)
        let types: [Int: DType] = [
            0x08: .uint8, 0x09: .int8, 0x0B: .int16, 0x0C: .int32, 0x0D: .float32, 0x0E: .float64,
        ]
        guard let dtype = types[code] else {
            throw SourceError(
                view.source, "unknown IDX type code 0x\(String(code, radix: 16)); expected 08, 09, 0b, 0c, 0d or 0e")
        }
        let rank = Int(magic & 0xFF)
        guard rank >= 1 else { throw SourceError(view.source, "IDX file declares 0 dimensions") }
        let shape = try (0..<rank).map { Int(try view.bigEndian(4 + 4 * $0, width: 4, "IDX dimension \($0)")) }
        return (dtype, shape, 4 + 4 * rank)
    }

    /// Reads an MNIST-style pair of image and label files into N×H×W×1 images with class labels.
    public static func readLabeledImages(images imagesPath: String, labels labelsPath: String) throws -> LabeledImages {
        try labeledImages(images: try read(path: imagesPath), labels: try read(path: labelsPath), source: imagesPath)
    }

    /// Pairs decoded IDX image (N×H×W) and label (N) arrays, adding the channel dimension.
    static func labeledImages(images: NumericArray, labels: NumericArray, source: String) throws -> LabeledImages {
        guard images.dtype == .uint8, images.shape.count == 3 else {
            throw SourceError(
                source, "expected uint8 images of shape N×H×W, found \(images.dtype) of shape \(images.shape)")
        }
        guard labels.shape.count == 1 else {
            throw SourceError(source, "expected labels of shape N, found \(labels.shape)")
        }
        let withChannel = try images.reshaped(images.shape + [1])
        return try LabeledImages(images: withChannel, labels: try classIndices(labels, source: source), source: source)
    }
}
