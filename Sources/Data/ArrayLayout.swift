/// Conversions from a file's element layout (byte order, Fortran order) to `NumericArray`'s
/// host-order, C-order layout, done in place where possible so that large arrays are held once.
enum ArrayLayout {
    /// Turns `storage`, holding exactly the elements of `shape` in `order` and Fortran or C order,
    /// into a host-order C-order array; checks the length, bool values and (if asked) finiteness.
    static func adopt(
        _ storage: consuming [UInt8], shape: [Int], dtype: DType, order: ByteOrder,
        fortran: Bool, source: String
    ) throws -> NumericArray {
        try checkLength(storage.count, shape: shape, dtype: dtype, source: source)
        try checkBools(storage, dtype: dtype, from: 0, source: source)
        if order != .host {
            storage.withUnsafeMutableBytes { swapByteOrder($0, itemSize: dtype.itemSize) }
        }
        if fortran && shape.count > 1 {
            storage = fortranToC(storage, shape: shape, itemSize: dtype.itemSize)
        }
        return NumericArray(validatedShape: shape, dtype: dtype, bytes: storage)
    }

    /// Copies `payload` once into new storage and adopts it as with `adopt`.
    static func copy(
        _ payload: UnsafeRawBufferPointer, shape: [Int], dtype: DType, order: ByteOrder,
        fortran: Bool, source: String
    ) throws -> NumericArray {
        try checkLength(payload.count, shape: shape, dtype: dtype, source: source)
        return try adopt([UInt8](payload), shape: shape, dtype: dtype, order: order, fortran: fortran, source: source)
    }

    /// Throws unless `found` bytes are what an array of `shape` and `dtype` holds; returns that count.
    @discardableResult
    static func checkLength(_ found: Int, shape: [Int], dtype: DType, source: String) throws -> Int {
        let expected = try NumericArray.byteCount(shape: shape, dtype: dtype, source: source)
        guard found == expected else {
            let relation = found < expected ? "truncated" : "has trailing bytes"
            throw SourceError(
                source, "data \(relation): shape \(shape) of \(dtype) needs \(expected) bytes, found \(found)")
        }
        return expected
    }

    /// Throws if `bytes`, the elements of a bool array from element `first` on, hold anything but 0 and 1.
    static func checkBools(_ bytes: some Collection<UInt8>, dtype: DType, from first: Int, source: String) throws {
        guard dtype == .bool, let bad = bytes.firstIndex(where: { $0 > 1 }) else { return }
        let element = first + bytes.distance(from: bytes.startIndex, to: bad)
        throw SourceError(source, "bool element \(element) holds \(bytes[bad]), expected 0 or 1")
    }

    /// The elements of a column-major array rearranged into row-major order.
    static func fortranToC(_ source: [UInt8], shape: [Int], itemSize: Int) -> [UInt8] {
        let count = shape.reduce(1, *)
        guard count > 0 else { return source }
        var fortranStrides = [Int](repeating: itemSize, count: shape.count)
        for axis in shape.indices.dropFirst() {
            fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1]
        }
        var result = [UInt8](repeating: 0, count: source.count)
        var index = [Int](repeating: 0, count: shape.count)
        var sourceOffset = 0
        source.withUnsafeBytes { input in
            result.withUnsafeMutableBytes { output in
                for element in 0..<count {
                    for byte in 0..<itemSize {
                        output[element * itemSize + byte] = input[sourceOffset + byte]
                    }
                    var axis = shape.count - 1
                    while axis >= 0 {
                        index[axis] += 1
                        sourceOffset += fortranStrides[axis]
                        if index[axis] < shape[axis] { break }
                        sourceOffset -= fortranStrides[axis] * shape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        return result
    }
}
