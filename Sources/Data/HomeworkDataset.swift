import Foundation

/// Images with one class label each.
public struct LabeledImages: Sendable, Equatable {
    /// uint8 images, N×H×W×C (N×28×28×3 for MNIST-M, N×28×28×1 for MNIST).
    public var images: NumericArray
    /// The class of each image, 0 to 255 (0 to 9 for the digit sets).
    public var labels: [UInt8]

    /// Pairs images with labels, checking there is one label per image.
    public init(images: NumericArray, labels: [UInt8], source: String = "data set") throws {
        guard images.dtype == .uint8, images.shape.count >= 3 else {
            throw DataError(
                source, "images must be uint8 N×H×W or N×H×W×C, found \(images.dtype) of shape \(images.shape)")
        }
        guard images.shape[0] == labels.count else {
            throw DataError(source, "\(images.shape[0]) images but \(labels.count) labels")
        }
        self.images = images
        self.labels = labels
    }

    /// The number of images.
    public var count: Int { labels.count }
}

/// The assignment's `MNIST_M.npy`: a `.npy` object array of shape (3, 2) whose pickled rows are
/// train, validation and test, and whose columns are (images, labels).
public struct HomeworkDataset: Sendable, Equatable {
    /// The training split.
    public var train: LabeledImages
    /// The validation split.
    public var validation: LabeledImages
    /// The test split.
    public var test: LabeledImages

    /// Reads the file at `path` (memory-mapped, so each image array is copied only once).
    public static func read(path: String) throws -> HomeworkDataset {
        try read(data: try readFile(path), source: path)
    }

    /// Reads the file's bytes `data`; `source` names them in errors.
    public static func read(data: Data, source: String) throws -> HomeworkDataset {
        try data.withUnsafeBytes { raw in
            let header = try NpyHeader.parse(raw, source: source)
            guard header.descr == "|O" else {
                throw DataError(
                    source, "expected an object array ('|O') of (images, labels) pairs, found dtype '\(header.descr)'")
            }
            let pickle = UnsafeRawBufferPointer(rebasing: raw[header.dataOffset...])
            var machine = PickleMachine(pickle, source: source, fileOffset: header.dataOffset)
            let result = try machine.run()
            guard case .object(let object) = result, case .array(let array) = object.kind else {
                throw DataError(source, "the pickle holds a \(result.kindName), expected a numpy object array")
            }
            guard array.shape == [3, 2], header.shape == [3, 2] else {
                throw DataError(
                    source,
                    "expected an object array of shape (3, 2) (train/valid/test × images/labels), found \(array.shape)")
            }
            let cells = try array.objectElements(source: source)
            let splits = try ["train", "validation", "test"].enumerated().map { row, name in
                try split(
                    images: cells[2 * row], labels: cells[2 * row + 1], input: pickle, source: "\(source) [\(name)]")
            }
            return HomeworkDataset(train: splits[0], validation: splits[1], test: splits[2])
        }
    }

    private static func split(
        images: PickleValue, labels: PickleValue, input: UnsafeRawBufferPointer, source: String
    ) throws -> LabeledImages {
        guard case .object(let imageObject) = images, case .array(let imageArray) = imageObject.kind,
            case .object(let labelObject) = labels, case .array(let labelArray) = labelObject.kind
        else { throw DataError(source, "expected two numpy arrays, found \(images.kindName) and \(labels.kindName)") }
        let pixels = try imageArray.materialize(input: input, source: source + " images")
        guard pixels.dtype == .uint8, pixels.shape.count == 4 || pixels.shape.count == 3 else {
            throw DataError(source, "images must be uint8 N×H×W×C, found \(pixels.dtype) of shape \(pixels.shape)")
        }
        guard pixels.shape[0] > 0 else {
            throw DataError(source, "the split holds no images (shape \(pixels.shape)); expected at least one")
        }
        let classes = try classIndices(
            try labelArray.materialize(input: input, source: source + " labels"), source: source + " labels")
        return try LabeledImages(images: pixels, labels: classes, source: source)
    }
}

/// Class indices from labels given either as N integers (0 to 255) or as N×K one-hot rows.
public func classIndices(_ labels: NumericArray, source: String) throws -> [UInt8] {
    switch labels.shape.count {
    case 1:
        return try (0..<labels.count).map { index in
            let value = labels.value(at: index)
            guard value >= 0, value <= 255, value == value.rounded() else {
                throw DataError(source, "label \(index) is \(value); expected a class index from 0 to 255")
            }
            return UInt8(value)
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
                    throw DataError(source, "label row \(row) is not one-hot: column \(column) holds \(value)")
                }
            }
            guard let hot else { throw DataError(source, "label row \(row) is not one-hot: all zeros") }
            return UInt8(hot)
        }
    default:
        throw DataError(source, "labels of shape \(labels.shape): expected N class indices or N×K one-hot rows")
    }
}
