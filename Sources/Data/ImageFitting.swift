import Foundation

/// How an image folder's pictures are brought to one shape, in the order torchvision's
/// `Resize(n)`, `CenterCrop` and `convert` would: scale the shorter side to `resize`, then cut the
/// centre to the shape (`centerCrop`) or scale to it, then convert to the shape's channels.
public struct ImageFitting: Sendable, Equatable {
    /// Height, width and channels (1: grayscale, 3: RGB) of every image; nil keeps each image's own
    /// size, which must then be the same for all.
    public var shape: [Int]?
    /// Scale so the shorter side has this many pixels, keeping the aspect ratio, before the rest.
    public var resize: Int?
    /// Cut the centre out at the shape rather than scaling the whole image to it.
    public var centerCrop: Bool

    /// Fitting to `shape` (H, W, C), optionally resizing first and cutting the centre.
    public init(shape: [Int]? = nil, resize: Int? = nil, centerCrop: Bool = false) {
        (self.shape, self.resize, self.centerCrop) = (shape, resize, centerCrop)
    }

    /// Refuses a shape or resize larger than the decoder reads, before any image is scaled to it.
    func checkLimits(source: String) throws {
        let sides = (shape.map { Array($0.prefix(2)) } ?? []) + (resize.map { [$0] } ?? [])
        let pixels = shape.map { $0[0].multipliedReportingOverflow(by: $0[1]) }
        guard sides.allSatisfy({ $0 <= ImageDecoder.sideLimit }),
            pixels.map({ !$0.overflow && $0.partialValue <= ImageDecoder.pixelLimit }) ?? true
        else {
            throw SourceError(
                source,
                "the shape \(shape ?? []) or resize \(resize ?? 0) is larger than the \(ImageDecoder.sideLimit) pixels per "
                    + "side or \(ImageDecoder.pixelLimit) in all that runexp reads")
        }
    }

    /// `image` fitted; `source` names it when it cannot be (smaller than the crop).
    public func fit(_ image: DecodedImage, source: String) throws -> DecodedImage {
        var image = image
        if let resize {
            let short = min(image.width, image.height)
            // torchvision truncates the longer side: int(size * long / short).
            let long = max(1, Int(Double(resize) * Double(max(image.width, image.height)) / Double(short)))
            guard long <= ImageDecoder.sideLimit, long * resize <= ImageDecoder.pixelLimit else {
                throw SourceError(
                    source,
                    "is \(image.width)×\(image.height) pixels: resized to \(resize) on its shorter side it would be "
                        + "\(long) on the longer, more than the \(ImageDecoder.sideLimit) per side or "
                        + "\(ImageDecoder.pixelLimit) in all that runexp reads")
            }
            image =
                image.width <= image.height
                ? Self.scaled(image, width: resize, height: long) : Self.scaled(image, width: long, height: resize)
        }
        guard let shape else { return image }
        let (height, width) = (shape[0], shape[1])
        if centerCrop {
            guard image.width >= width, image.height >= height else {
                throw SourceError(
                    source, "is \(image.width)×\(image.height) pixels, smaller than the \(width)×\(height) centre crop")
            }
            image = Self.cropped(image, width: width, height: height)
        } else if image.width != width || image.height != height {
            image = Self.scaled(image, width: width, height: height)
        }
        return Self.converted(image, channels: shape[2])
    }

    /// The centre `width`×`height` of `image`, offsets rounded half to even as torchvision's are.
    static func cropped(_ image: DecodedImage, width: Int, height: Int) -> DecodedImage {
        let top = Int((Double(image.height - height) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(image.width - width) / 2).rounded(.toNearestOrEven))
        let channels = image.channels
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * channels)
        for row in top..<(top + height) {
            let start = (row * image.width + left) * channels
            pixels += image.pixels[start..<(start + width * channels)]
        }
        return DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Grayscale to RGB repeats the grey; RGB to grayscale is ITU-R 601 luma (PIL's `convert("L")`).
    static func converted(_ image: DecodedImage, channels: Int) -> DecodedImage {
        guard image.channels != channels else { return image }
        let count = image.width * image.height
        let pixels: [UInt8]
        if channels == 3 {
            pixels = image.pixels.flatMap { [$0, $0, $0] }
        } else {
            pixels = (0..<count).map { pixel in
                let (red, green, blue) = (
                    Int(image.pixels[3 * pixel]), Int(image.pixels[3 * pixel + 1]), Int(image.pixels[3 * pixel + 2])
                )
                return UInt8((red * 299 + green * 587 + blue * 114 + 500) / 1000)
            }
        }
        return DecodedImage(width: image.width, height: image.height, channels: channels, pixels: pixels)
    }

    /// `image` scaled to `width`×`height` by a triangle (bilinear) filter that widens when shrinking,
    /// so every source pixel counts (antialiased, as PIL's bilinear resize is): rows, then columns.
    static func scaled(_ image: DecodedImage, width: Int, height: Int) -> DecodedImage {
        guard image.width != width || image.height != height else { return image }
        let channels = image.channels
        let across = filterTaps(from: image.width, to: width)
        let down = filterTaps(from: image.height, to: height)
        var rows = [Float](repeating: 0, count: image.height * width * channels)
        for row in 0..<image.height {
            for (column, taps) in across.enumerated() {
                for channel in 0..<channels {
                    var sum: Float = 0
                    for (index, weight) in taps {
                        sum += weight * Float(image.pixels[(row * image.width + index) * channels + channel])
                    }
                    rows[(row * width + column) * channels + channel] = sum
                }
            }
        }
        var pixels = [UInt8](repeating: 0, count: height * width * channels)
        for (row, taps) in down.enumerated() {
            for position in 0..<(width * channels) {
                var sum: Float = 0
                for (index, weight) in taps { sum += weight * rows[index * width * channels + position] }
                pixels[row * width * channels + position] = UInt8(min(max(sum.rounded(), 0), 255))
            }
        }
        return DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// For each output position, the source positions it reads and their weights (summing to 1).
    static func filterTaps(from source: Int, to target: Int) -> [[(Int, Float)]] {
        let scale = Double(source) / Double(target)
        let support = max(scale, 1)
        return (0..<target).map { output in
            let centre = (Double(output) + 0.5) * scale
            let first = max(0, Int((centre - support).rounded(.down)))
            let last = min(source - 1, Int((centre + support).rounded(.up)))
            var taps = (first...last).compactMap { index -> (Int, Float)? in
                let weight = 1 - abs((Double(index) + 0.5 - centre) / support)
                return weight > 0 ? (index, Float(weight)) : nil
            }
            if taps.isEmpty { taps = [(min(max(Int(centre), 0), source - 1), 1)] }
            let total = taps.reduce(Float(0)) { $0 + $1.1 }
            return taps.map { ($0.0, $0.1 / total) }
        }
    }
}
