import Foundation

extension HomeworkDataset {
    /// The three splits (train, validation, test), as the file holds them.
    public init(_ train: LabeledImages, _ validation: LabeledImages, _ test: LabeledImages) {
        (self.train, self.validation, self.test) = (train, validation, test)
    }

    /// The assignment's `MNIST_M.npy` holding these splits: what `np.save(path, splits,
    /// allow_pickle=True)` writes for a (3, 2) object array of (images, labels), its pickle in
    /// protocol 3, loadable by NumPy and by `read(data:source:)`.
    public func encode() -> [UInt8] {
        var pickle = NumpyPickleWriter()
        pickle.objectArray(
            [train, validation, test].flatMap { split in
                [split.images, NumericArray(validatedShape: [split.count], dtype: .uint8, bytes: split.labels)]
            }, shape: [3, 2])
        return NPY.encodeHeader(descr: "|O", shape: [3, 2], payloadCount: pickle.bytes.count) + pickle.bytes
    }

    /// Writes the file at `path`, all or nothing.
    public func write(to path: String) throws {
        try AtomicFile.write(data: encode(), to: path)
    }
}

/// Pickle bytes for NumPy arrays as NumPy writes them (protocol 3: `_reconstruct`, a dtype, and a
/// `BUILD` of version, shape, dtype, Fortran flag and data), using only what the restricted machine
/// reads back.
struct NumpyPickleWriter {
    private(set) var bytes: [UInt8] = [0x80, 0x03]  // PROTO 3

    /// Ends the pickle with STOP after an object array of `elements` (C order) of `shape`.
    mutating func objectArray(_ elements: [NumericArray], shape: [Int]) {
        reconstruct(shape: shape, dtype: "O8", order: "|", flags: 63) {
            $0.bytes += [0x5D, 0x28]  // EMPTY_LIST, MARK
            for element in elements { $0.numericArray(element) }
            $0.bytes += [0x65]  // APPENDS
        }
        bytes.append(0x2E)  // STOP
    }

    /// Ends the pickle with STOP after a dict of byte-string keys, as Python 3 pickles
    /// `{b'data': …, b'labels': …}`; each entry writes its own value.
    mutating func dict(_ entries: [(key: String, value: (inout NumpyPickleWriter) -> Void)]) {
        bytes += [0x7D, 0x28]  // EMPTY_DICT, MARK
        for (key, value) in entries {
            bytes += [0x42] + word(key.utf8.count) + Array(key.utf8)  // BINBYTES
            value(&self)
        }
        bytes += [0x75, 0x2E]  // SETITEMS, STOP
    }

    mutating func intList(_ values: [Int]) {
        bytes += [0x5D, 0x28]  // EMPTY_LIST, MARK
        values.forEach { int($0) }
        bytes += [0x65]  // APPENDS
    }

    mutating func numericArray(_ array: NumericArray) {
        let size = array.dtype.itemSize
        let order = size == 1 ? "|" : "<"
        reconstruct(shape: array.shape, dtype: "\(array.dtype.kind)\(size)", order: order, flags: 0) {
            $0.bytes += [0x42] + $0.word(array.bytes.count) + array.bytes  // BINBYTES
        }
    }

    /// `_reconstruct(ndarray, (0,), b'b')` then BUILD with `(1, shape, dtype, False, data)`.
    private mutating func reconstruct(
        shape: [Int], dtype: String, order: String, flags: Int, data: (inout NumpyPickleWriter) -> Void
    ) {
        global("numpy.core.multiarray", "_reconstruct")
        global("numpy", "ndarray")
        int(0)
        bytes += [0x85, 0x43, 0x01, 0x62, 0x87, 0x52]  // TUPLE1, SHORT_BINBYTES b'b', TUPLE3, REDUCE
        bytes += [0x28]  // MARK: the state tuple
        int(1)
        bytes += [0x28]
        shape.forEach { int($0) }
        bytes += [0x74]  // TUPLE: the shape
        global("numpy", "dtype")
        text(dtype)
        bytes += [0x89, 0x88, 0x87, 0x52, 0x28]  // False, True, TUPLE3, REDUCE, MARK
        int(3)
        text(order)
        bytes += [0x4E, 0x4E, 0x4E]  // None × 3: no names, fields or sub-array
        int(-1)
        int(-1)
        int(flags)
        bytes += [0x74, 0x62, 0x89]  // TUPLE, BUILD the dtype; False: C order
        data(&self)
        bytes += [0x74, 0x62]  // TUPLE, BUILD the array
    }

    private mutating func global(_ module: String, _ name: String) {
        bytes += [0x63] + Array("\(module)\n\(name)\n".utf8)
    }

    private mutating func int(_ value: Int) {
        bytes += [0x4A] + word(Int(UInt32(bitPattern: Int32(value))))  // BININT
    }

    private mutating func text(_ value: String) {
        bytes += [0x58] + word(value.utf8.count) + Array(value.utf8)  // BINUNICODE
    }

    func word(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}
