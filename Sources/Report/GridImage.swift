import Data

/// One small image for an `ImageGrid`: height × width pixels of 1 (grey) or 3 (RGB) channels,
/// values in [0, 1] stored row by row with channels innermost (HWC, like the data's NHWC).
public struct GridImage: Equatable, Sendable {
    /// Rows of pixels.
    public let height: Int
    /// Pixels per row.
    public let width: Int
    /// 1 for grey, 3 for RGB.
    public let channels: Int
    /// `height * width * channels` intensities; values outside [0, 1] are clamped when drawn.
    public let values: [Float]

    /// An image from float intensities in [0, 1] (HWC order).
    public init(height: Int, width: Int, channels: Int, values: [Float]) throws {
        guard height > 0, width > 0 else {
            throw SourceError("image", "size \(height)×\(width) has no pixels")
        }
        guard channels == 1 || channels == 3 else {
            throw SourceError("image", "expected 1 or 3 channels, found \(channels)")
        }
        let (pixels, overflow) = height.multipliedReportingOverflow(by: width)
        guard !overflow, pixels <= 1 << 26 else {
            throw SourceError("image", "size \(height)×\(width) is too large to draw")
        }
        guard values.count == pixels * channels else {
            throw SourceError(
                "image",
                "\(height)×\(width)×\(channels) needs \(height * width * channels) values, found \(values.count)")
        }
        self.height = height
        self.width = width
        self.channels = channels
        self.values = values
    }

    /// An image from bytes 0…255 (HWC order), as uint8 data sets store them.
    public init(height: Int, width: Int, channels: Int, bytes: [UInt8]) throws {
        try self.init(height: height, width: width, channels: channels, values: bytes.map { Float($0) / 255 })
    }

    /// The pixel at (`row`, `column`) as 8-bit RGB, clamped; NaN shows as black.
    func rgb(row: Int, column: Int) -> (UInt8, UInt8, UInt8) {
        let base = (row * width + column) * channels
        let red = GridImage.byte(values[base])
        guard channels == 3 else { return (red, red, red) }
        return (red, GridImage.byte(values[base + 1]), GridImage.byte(values[base + 2]))
    }

    private static func byte(_ value: Float) -> UInt8 {
        guard value > 0 else { return 0 }  // also catches NaN
        guard value < 1 else { return 255 }
        return UInt8((value * 255).rounded())
    }
}

extension GridImage {
    /// Splits a batch of images into `GridImage`s.
    ///
    /// Accepts N×H×W×C (C of 1 or 3), N×H×W (grey), or N×D with D a square number (flattened grey
    /// images such as N×784). uint8 arrays are scaled from 0…255; float arrays are taken as 0…1.
    public static func images(from array: NumericArray) throws -> [GridImage] {
        let shape = array.shape
        switch shape.count {
        case 4: return try images(from: array, height: shape[1], width: shape[2], channels: shape[3])
        case 3: return try images(from: array, height: shape[1], width: shape[2], channels: 1)
        case 2:
            let side = Int(Double(shape[1]).squareRoot().rounded())
            guard side * side == shape[1] else {
                throw SourceError("images", "cannot take rows of \(shape[1]) values as square images; give the size")
            }
            return try images(from: array, height: side, width: side, channels: 1)
        default:
            throw SourceError("images", "expected N×H×W×C, N×H×W or N×D images, found shape \(shape)")
        }
    }

    /// Splits `array` (any shape whose element count is a multiple of `height * width * channels`)
    /// into consecutive images of that size.
    public static func images(from array: NumericArray, height: Int, width: Int, channels: Int) throws
        -> [GridImage]
    {
        let (area, areaOverflow) = height.multipliedReportingOverflow(by: width)
        let (size, sizeOverflow) = area.multipliedReportingOverflow(by: channels)
        guard !areaOverflow, !sizeOverflow, size > 0, array.count % size == 0 else {
            throw SourceError(
                "images", "\(array.count) values do not split into \(height)×\(width)×\(channels) images")
        }
        let values = array.dtype == .uint8 ? array.bytes.map { Float($0) / 255 } : array.floats()
        return try stride(from: 0, to: values.count, by: size).map { start in
            try GridImage(
                height: height, width: width, channels: channels, values: Array(values[start..<start + size]))
        }
    }
}
