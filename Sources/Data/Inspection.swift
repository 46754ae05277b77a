import Foundation

/// What `runexp data inspect` prints for one array: its shape, dtype, value range and, for labels,
/// how many of each class.
public struct ArraySummary: Sendable, Equatable, CustomStringConvertible {
    /// The array's name within its file (`array` for a plain `.npy`).
    public var name: String
    /// The array's shape.
    public var shape: [Int]
    /// The element type.
    public var dtype: DType
    /// The smallest and largest element and the mean; nil for an empty array.
    public var minimum: Double?, maximum: Double?, mean: Double?
    /// For label arrays, the number of elements of each class 0, 1, 2, …
    public var classCounts: [Int]?

    /// Summarizes `array`; `labels`, when given, are its class indices.
    public init(name: String, array: NumericArray, labels: [UInt8]? = nil) {
        self.name = name
        shape = array.shape
        dtype = array.dtype
        var low = Double.infinity
        var high = -Double.infinity
        var total = 0.0
        for index in 0..<array.count {
            let value = array.value(at: index)
            low = min(low, value)
            high = max(high, value)
            total += value
        }
        if array.count > 0 {
            minimum = low
            maximum = high
            mean = total / Double(array.count)
        }
        if let labels {
            var counts = [Int](repeating: 0, count: Int(labels.max() ?? 0) + 1)
            for label in labels { counts[Int(label)] += 1 }
            classCounts = counts
        }
    }

    /// One line, e.g. `train_y: uint8 [60], min 0, max 9, mean 4.2; classes 0×6 1×7 …`.
    public var description: String {
        var text = "\(name): \(dtype) \(shape)"
        if let minimum, let maximum, let mean {
            text += ", min \(format(minimum)), max \(format(maximum)), mean \(format(mean))"
        }
        if let classCounts {
            text += "; classes " + classCounts.enumerated().map { "\($0.offset)×\($0.element)" }.joined(separator: " ")
        }
        return text
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.4g", value)
    }
}

/// Reads any data file this module knows (`.npy`, the homework object `.npy`, `.npz`, IDX or
/// gzipped IDX, PNG), telling them apart by their first bytes.
public enum DataInspector {
    /// Summaries of every array in the file at `path`.
    public static func inspect(path: String) throws -> [ArraySummary] {
        let data = try readFile(path)
        let magic = [UInt8](data.prefix(8))
        if magic.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) {
            let header = try data.withUnsafeBytes { try NpyHeader.parse($0, source: path) }
            if header.descr == "|O" { return homework(try HomeworkDataset.read(data: data, source: path)) }
            return [summary("array", try NPY.read(data: data, source: path))]
        }
        if magic.starts(with: [0x50, 0x4B]) {
            return try NPZ.read(data: data, source: path).map { summary($0.name, $0.array) }
        }
        if magic.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return [summary("image", try PNGImage.readRGB(path: path))]
        }
        if magic.starts(with: [0x1F, 0x8B]) || magic.starts(with: [0, 0]) {
            return [summary("array", try IDX.read(data: data, source: path))]
        }
        let expected = "expected .npy, .npz, IDX (optionally gzipped) or PNG"
        guard !data.isEmpty else { throw SourceError(path, "the file is empty (0 bytes); \(expected)") }
        let found = magic.map { String(format: "%02x", $0) }.joined(separator: " ")
        throw SourceError(path, "unknown file type: \(expected), found bytes \(found)")
    }

    /// A summary that counts classes when `array` looks like labels: one dimension of small integers.
    static func summary(_ name: String, _ array: NumericArray) -> ArraySummary {
        let integer = !array.dtype.isFloatingPoint && array.dtype != .bool
        let labels = array.shape.count == 1 && integer ? try? classIndices(array, source: name) : nil
        return ArraySummary(name: name, array: array, labels: labels)
    }

    private static func homework(_ data: HomeworkDataset) -> [ArraySummary] {
        [("train", data.train), ("valid", data.validation), ("test", data.test)].flatMap { name, split in
            let labels = (try? NumericArray(shape: [split.count], elements: split.labels)).map {
                ArraySummary(name: "\(name)_y", array: $0, labels: split.labels)
            }
            return [ArraySummary(name: "\(name)_x", array: split.images)] + (labels.map { [$0] } ?? [])
        }
    }
}
