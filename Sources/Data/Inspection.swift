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
        var tally = ValueTally(countingClasses: false)
        tally.add(array)
        self.init(name: name, shape: array.shape, dtype: array.dtype, tally: tally)
        if let labels {
            var counts = [Int](repeating: 0, count: Int(labels.max() ?? 0) + 1)
            for label in labels { counts[Int(label)] += 1 }
            classCounts = counts
        }
    }

    /// The summary of an array of `shape` and `dtype` whose every element `tally` has seen.
    init(name: String, shape: [Int], dtype: DType, tally: ValueTally) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        if tally.count > 0 {
            minimum = tally.low
            maximum = tally.high
            mean = tally.total / Double(tally.count)
        }
        // An empty array has no classes to count.
        classCounts = tally.classes?.isEmpty == false ? tally.classes : nil
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

/// The least and greatest value, the sum and the count of the values seen so far, and for labels
/// the count of each class: a summary gathered a piece of an array at a time.
struct ValueTally {
    var low = Double.infinity
    var high = -Double.infinity
    var total = 0.0
    var count = 0
    /// Counts of each class while every value seen is a class index; nil when one was not, or
    /// when the values are not labels.
    var classes: [Int]?

    init(countingClasses: Bool) {
        classes = countingClasses ? [] : nil
    }

    /// Whether an array of `shape` and `dtype` may hold labels: one dimension of integers.
    static func mayBeLabels(shape: [Int], dtype: DType) -> Bool {
        shape.count == 1 && !dtype.isFloatingPoint && dtype != .bool
    }

    /// Takes in every element of `array`. The common dtypes are read in place, a file of gigabytes
    /// being summarized piece by piece; the rest through `value(at:)`.
    mutating func add(_ array: NumericArray) {
        switch array.dtype {
        case .float32: _ = try? array.withUnsafeElements(as: Float.self) { for value in $0 { add(Double(value)) } }
        case .float64: _ = try? array.withUnsafeElements(as: Double.self) { for value in $0 { add(value) } }
        case .uint8: array.bytes.withUnsafeBytes { for value in $0 { add(Double(value)) } }
        default: for index in 0..<array.count { add(array.value(at: index)) }
        }
    }

    mutating func add(_ value: Double) {
        low = min(low, value)
        high = max(high, value)
        total += value
        count += 1
        guard classes != nil else { return }
        if let label = classIndex(value).map(Int.init) {
            if label >= classes!.count { classes! += [Int](repeating: 0, count: label + 1 - classes!.count) }
            classes![label] += 1
        } else {
            classes = nil
        }
    }
}

/// Reads any data file this module knows (`.npy`, the homework object `.npy`, `.npz`, IDX or
/// gzipped IDX, PNG), telling them apart by their first bytes.
public enum DataInspector {
    /// Summaries of every array in the file at `path`.
    public static func inspect(path: String) throws -> [ArraySummary] {
        if let summary = try NpySummary.read(path: path) { return [summary] }
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
        var tally = ValueTally(countingClasses: ValueTally.mayBeLabels(shape: array.shape, dtype: array.dtype))
        tally.add(array)
        return ArraySummary(name: name, shape: array.shape, dtype: array.dtype, tally: tally)
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
