/// Image sets stored as plain arrays, like the assignment's `data.npy`: N×784, N×28×28 or
/// N×H×W×C, either uint8 in 0–255 or float in [0, 1], with labels optionally in a second file.
public enum PlainImages {
    /// `array` reshaped to N×H×W×C (N×784 becomes N×28×28×1, N×H×W gets C = 1) after checking
    /// it is non-empty and, for floats, finite and within [0, 1]. The dtype is kept.
    public static func normalize(_ array: NumericArray, source: String) throws -> NumericArray {
        let shape = array.shape
        guard let first = shape.first, first > 0, array.count > 0 else {
            throw SourceError(source, "image array of shape \(shape) is empty; expected at least one image")
        }
        guard array.dtype == .uint8 || array.dtype.isFloatingPoint else {
            throw SourceError(source, "images must be uint8 (0–255) or float (0–1), found \(array.dtype)")
        }
        if array.dtype.isFloatingPoint { try checkUnitRange(array, source: source) }
        switch shape.count {
        case 2 where shape[1] == 784: return try array.reshaped([first, 28, 28, 1])
        case 3: return try array.reshaped(shape + [1])
        case 4 where [1, 3].contains(shape[3]): return array
        default:
            throw SourceError(
                source, "images of shape \(shape): expected N×784, N×H×W or N×H×W×C with C = 1 or 3")
        }
    }

    private static func checkUnitRange(_ array: NumericArray, source: String) throws {
        try ArrayRequirements(finite: true).check(array, source: source)
        let bad: Int?
        switch array.dtype {
        case .float32: bad = try array.withUnsafeElements(as: Float.self) { $0.firstIndex { $0 < 0 || $0 > 1 } }
        default: bad = try array.withUnsafeElements(as: Double.self) { $0.firstIndex { $0 < 0 || $0 > 1 } }
        }
        if let bad {
            throw SourceError(source, "element \(bad) is \(array.value(at: bad)); float images must lie in [0, 1]")
        }
    }

    /// Reads images from the `.npy` at `path` and, when given, class labels from the `.npy` at
    /// `labelsPath` (N integers or N×K one-hot rows), checking there is one label per image.
    public static func read(path: String, labelsPath: String? = nil) throws -> (images: NumericArray, labels: [UInt8]?)
    {
        let images = try normalize(try NPY.read(path: path), source: path)
        guard let labelsPath else { return (images, nil) }
        let labels = try classIndices(
            try NPY.read(path: labelsPath, requirements: .init(nonEmpty: true)), source: labelsPath)
        guard labels.count == images.shape[0] else {
            throw SourceError(labelsPath, "\(labels.count) labels for the \(images.shape[0]) images in \(path)")
        }
        return (images, labels)
    }
}
