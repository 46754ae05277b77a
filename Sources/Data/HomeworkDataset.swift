import Foundation

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
                throw SourceError(
                    source, "expected an object array ('|O') of (images, labels) pairs, found dtype '\(header.descr)'")
            }
            let pickle = UnsafeRawBufferPointer(rebasing: raw[header.dataOffset...])
            var machine = PickleMachine(pickle, source: source, fileOffset: header.dataOffset)
            let result = try machine.run()
            guard case .object(let object) = result, case .array(let array) = object.kind else {
                throw SourceError(source, "the pickle holds a \(result.kindName), expected a numpy object array")
            }
            guard array.shape == [3, 2], header.shape == [3, 2] else {
                throw SourceError(
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
        else { throw SourceError(source, "expected two numpy arrays, found \(images.kindName) and \(labels.kindName)") }
        let pixels = try imageArray.materialize(input: input, source: source + " images")
        guard pixels.dtype == .uint8, pixels.shape.count == 4 || pixels.shape.count == 3 else {
            throw SourceError(source, "images must be uint8 N×H×W×C, found \(pixels.dtype) of shape \(pixels.shape)")
        }
        guard pixels.shape[0] > 0 else {
            throw SourceError(source, "the split holds no images (shape \(pixels.shape)); expected at least one")
        }
        let classes = try classIndices(
            try labelArray.materialize(input: input, source: source + " labels"), source: source + " labels")
        return try LabeledImages(images: pixels, labels: classes, source: source)
    }
}
