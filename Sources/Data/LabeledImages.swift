/// Images with one class label each, held in memory or, for a streamed image folder, as files
/// decoded a batch at a time.
public struct LabeledImages: Sendable, Equatable {
    /// Where the pixels are.
    enum Storage: Sendable, Equatable {
        case memory(NumericArray)
        case files(ImageFiles)
    }
    var storage: Storage
    /// The class of each image, 0 to 255 (0 to 9 for the digit sets).
    public var labels: [UInt8]

    /// uint8 images in memory, N×H×W×C (N×28×28×3 for MNIST-M, N×28×28×1 for MNIST). A streamed
    /// split has none to give: what reads a whole split calls `loadedImages()`, which decodes it.
    public var images: NumericArray {
        guard case .memory(let array) = storage else {
            preconditionFailure("a streamed image folder's pixels are read with loadedImages() or writeBatch")
        }
        return array
    }

    /// The files behind a streamed split; nil when its pixels are in memory.
    public var files: ImageFiles? {
        guard case .files(let files) = storage else { return nil }
        return files
    }

    /// Height, width (and channels) of one image, read without touching any pixel.
    public var imageShape: [Int] {
        switch storage {
        case .memory(let array): return Array(array.shape.dropFirst())
        case .files(let files): return files.shape
        }
    }

    /// The bytes of one image.
    public var imageSize: Int { imageShape.reduce(1, *) }

    /// Every image as one uint8 N×H×W×C array: the array itself in memory, every file decoded when
    /// streamed (for what needs a whole split at once, such as the codes of a t-SNE).
    public func loadedImages() throws -> NumericArray {
        switch storage {
        case .memory(let array): return array
        case .files(let files):
            var bytes = [UInt8](repeating: 0, count: count * files.imageSize)
            try bytes.withUnsafeMutableBufferPointer { try writeBytes(0..<count, into: $0.baseAddress!) }
            return NumericArray(validatedShape: [count] + files.shape, dtype: .uint8, bytes: bytes)
        }
    }

    /// The bytes of image `index` alone (a streamed split decodes just its file).
    public func imageBytes(at index: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: imageSize)
        try bytes.withUnsafeMutableBufferPointer { try writeBytes(index..<(index + 1), into: $0.baseAddress!) }
        return bytes
    }

    /// Streamed images: `files` (one per label) decoded when read.
    public init(files: ImageFiles, labels: [UInt8], source: String = "data set") throws {
        guard files.paths.count == labels.count else {
            throw SourceError(source, "\(files.paths.count) files but \(labels.count) labels")
        }
        self.storage = .files(files)
        self.labels = labels
    }

    /// Pairs images with labels, checking there is one label per image.
    public init(images: NumericArray, labels: [UInt8], source: String = "data set") throws {
        guard images.dtype == .uint8, images.shape.count >= 3 else {
            throw SourceError(
                source, "images must be uint8 N×H×W or N×H×W×C, found \(images.dtype) of shape \(images.shape)")
        }
        guard images.shape[0] == labels.count else {
            throw SourceError(source, "\(images.shape[0]) images but \(labels.count) labels")
        }
        self.storage = .memory(images)
        self.labels = labels
    }

    /// The number of images.
    public var count: Int { labels.count }
}

/// `value` as a class index, when it is one: a whole number from 0 to 255.
func classIndex(_ value: Double) -> UInt8? {
    value >= 0 && value <= 255 && value == value.rounded() ? UInt8(value) : nil
}

/// Class indices from labels given either as N integers (0 to 255) or as N×K one-hot rows.
public func classIndices(_ labels: NumericArray, source: String) throws -> [UInt8] {
    switch labels.shape.count {
    case 1:
        return try (0..<labels.count).map { index in
            let value = labels.value(at: index)
            guard let label = classIndex(value) else {
                throw SourceError(source, "label \(index) is \(value); expected a class index from 0 to 255")
            }
            return label
        }
    case 2 where labels.shape[1] >= 1 && labels.shape[1] <= 256:
        let width = labels.shape[1]
        return try (0..<labels.shape[0]).map { row in
            var hot: Int?
            for column in 0..<width {
                let value = labels.value(at: row * width + column)
                if value == 1 && hot == nil {
                    hot = column
                } else if value != 0 {
                    throw SourceError(source, "label row \(row) is not one-hot: column \(column) holds \(value)")
                }
            }
            guard let hot else { throw SourceError(source, "label row \(row) is not one-hot: all zeros") }
            return UInt8(hot)
        }
    default:
        throw SourceError(source, "labels of shape \(labels.shape): expected N class indices or N×K one-hot rows")
    }
}

extension LabeledImages {
    /// Writes the labels at `indices`, in order, as floats (the class index): what a loss reads as `y`.
    public func writeLabels<C: Collection<Int>>(_ indices: C, into destination: UnsafeMutablePointer<Float>) {
        for (row, index) in indices.enumerated() { destination[row] = Float(labels[index]) }
    }
}
