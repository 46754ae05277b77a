import Foundation

/// CIFAR's Python version: each batch a pickled dict (Python 2's, protocol 2) of `data`, a uint8
/// N×3072 numpy array, and `labels` (CIFAR-10) or `fine_labels` (CIFAR-100), a list of ints; the
/// meta file a dict whose `label_names` or `fine_label_names` list names the classes.
extension CIFAR {
    static func readPickled(_ folder: String, kind: Kind) throws -> Splits {
        let layout = kind.pickled
        func batches(_ names: [String]) throws -> LabeledImages {
            var (rows, labels) = ([UInt8](), [UInt8]())
            for name in names {
                let batch = try readBatch(path(folder, name), labelsKey: layout.labels, kind: kind)
                rows += batch.rows
                labels += batch.labels
            }
            return try images(rows: rows, labels: labels, source: folder)
        }
        let meta = path(folder, layout.meta)
        let names = FileManager.default.fileExists(atPath: meta) ? try readNames(meta, key: layout.names) : nil
        return Splits(
            train: try batches(layout.train), test: try batches([layout.test]),
            classNames: names?.count == kind.classes ? names : nil)
    }

    /// `images` (N×32×32×3) as a batch of the Python version, `{b'data': uint8 N×3072 planes,
    /// b'labels' (CIFAR-100: b'fine_labels'): [ints]}`, pickled as Python 3 pickles it (protocol 3).
    public static func encodeBatch(_ images: LabeledImages, kind: Kind) -> [UInt8] {
        let count = images.count
        var planes = [UInt8](repeating: 0, count: count * 3072)
        images.images.bytes.withUnsafeBufferPointer { pixels in
            for image in 0..<count {
                for pixel in 0..<1024 {
                    for channel in 0..<3 {
                        planes[image * 3072 + channel * 1024 + pixel] = pixels[image * 3072 + pixel * 3 + channel]
                    }
                }
            }
        }
        let data = NumericArray(validatedShape: [count, 3072], dtype: .uint8, bytes: planes)
        var pickle = NumpyPickleWriter()
        pickle.dict([
            ("data", { $0.numericArray(data) }), (kind.pickled.labels, { $0.intList(images.labels.map(Int.init)) }),
        ])
        return pickle.bytes
    }

    /// The dict a CIFAR pickle holds, by key, with `body` given the machine (for its text) and the bytes.
    static func withDict<T>(
        _ file: String, _ body: ([String: PickleValue], PickleMachine, UnsafeRawBufferPointer) throws -> T
    ) throws -> T {
        try withDict(data: try readFile(file), source: file, body)
    }

    static func withDict<T>(
        data: Data, source file: String,
        _ body: ([String: PickleValue], PickleMachine, UnsafeRawBufferPointer) throws -> T
    ) throws -> T {
        try data.withUnsafeBytes { bytes in
            var machine = PickleMachine(bytes, source: file, fileOffset: 0)
            let result = try machine.run()
            guard case .object(let object) = result, case .dict(let pairs) = object.kind else {
                throw SourceError(file, "the pickle holds a \(result.kindName), expected a dict (a CIFAR batch)")
            }
            var entries: [String: PickleValue] = [:]
            for (key, value) in pairs { if let name = machine.smallText(key) { entries[name] = value } }
            return try body(entries, machine, bytes)
        }
    }

    static func readBatch(_ file: String, labelsKey: String, kind: Kind) throws -> (rows: [UInt8], labels: [UInt8]) {
        try readBatch(data: try readFile(file), source: file, labelsKey: labelsKey, kind: kind)
    }

    /// One batch's pixel rows (N×3072 planes) and labels, from the pickle bytes `data`.
    public static func readBatch(data: Data, source file: String, labelsKey: String, kind: Kind) throws -> (
        rows: [UInt8], labels: [UInt8]
    ) {
        try withDict(data: data, source: file) { entries, machine, bytes in
            guard case .object(let object)? = entries["data"], case .array(let array) = object.kind else {
                throw SourceError(file, "no 'data' array in the batch; its keys are \(entries.keys.sorted())")
            }
            let pixels = try array.materialize(input: bytes, source: file + " data")
            guard pixels.dtype == .uint8, pixels.shape.count == 2, pixels.shape[1] == 3072 else {
                throw SourceError(
                    file, "'data' must be uint8 N×3072 (32×32×3 planes), found \(pixels.dtype) \(pixels.shape)")
            }
            guard let listed = entries[labelsKey] else {
                throw SourceError(file, "no '\(labelsKey)' in the batch; its keys are \(entries.keys.sorted())")
            }
            let labels = try classes(listed, input: bytes, source: "\(file) \(labelsKey)")
            guard labels.count == pixels.shape[0] else {
                throw SourceError(file, "\(pixels.shape[0]) images but \(labels.count) labels")
            }
            try checkLabels(labels, kind: kind, source: file)
            return (pixels.bytes, labels)
        }
    }

    /// Labels given as a list of ints or as a numpy array.
    static func classes(_ value: PickleValue, input: UnsafeRawBufferPointer, source: String) throws -> [UInt8] {
        guard case .object(let object) = value else { throw SourceError(source, "labels are a \(value.kindName)") }
        switch object.kind {
        case .list(let items):
            return try items.enumerated().map { index, item in
                guard case .int(let label) = item, let byte = UInt8(exactly: label) else {
                    throw SourceError(source, "label \(index) is \(item.kindName), expected an int from 0 to 255")
                }
                return byte
            }
        case .array(let array):
            return try classIndices(try array.materialize(input: input, source: source), source: source)
        default:
            throw SourceError(source, "labels are a \(object.kindName), expected a list of ints")
        }
    }

    static func readNames(_ file: String, key: String) throws -> [String] {
        try withDict(file) { entries, machine, _ in
            guard case .object(let object)? = entries[key], case .list(let items) = object.kind else {
                throw SourceError(file, "no '\(key)' list in the meta file; its keys are \(entries.keys.sorted())")
            }
            return try items.map { item in
                guard let name = machine.smallText(item) else {
                    throw SourceError(file, "a class name is a \(item.kindName), expected a string")
                }
                return name
            }
        }
    }
}
