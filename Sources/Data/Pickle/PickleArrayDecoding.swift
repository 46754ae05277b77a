/// Turning a pickled `PickleArray` into a `NumericArray`, copying its bytes from the input once.
extension PickleArray {
    /// The numeric array this describes; `input` is the pickle the payload ranges point into.
    func materialize(input: UnsafeRawBufferPointer, source: String) throws -> NumericArray {
        guard let dtype, let numeric = DType(kind: dtype.kind, size: dtype.size) else {
            throw SourceError(
                source,
                "expected a numeric array, found an array of dtype \(dtype.map { "\($0.kind)\($0.size)" } ?? "unknown")"
            )
        }
        let order: ByteOrder = dtype.byteOrder == ">" ? .big : (dtype.byteOrder == "<" ? .little : .host)
        switch payload {
        case .bytes(let range):
            return try ArrayLayout.copy(
                UnsafeRawBufferPointer(rebasing: input[range]), shape: shape, dtype: numeric, order: order,
                fortran: fortran, source: source)
        case .latin1(let range):
            let expected = try NumericArray.byteCount(shape: shape, dtype: numeric, source: source)
            let bytes = try decodeLatin1(
                UnsafeRawBufferPointer(rebasing: input[range]), expectedCount: expected, source: source)
            return try ArrayLayout.adopt(
                bytes, shape: shape, dtype: numeric, order: order, fortran: fortran, source: source)
        case .objects, .missing:
            throw SourceError(source, "array of shape \(shape) has no numeric data")
        }
    }

    /// The object elements of an object array, in C order.
    func objectElements(source: String) throws -> [PickleValue] {
        guard dtype?.isObject == true, case .objects(let elements) = payload else {
            throw SourceError(source, "expected a numpy object array (dtype O), found another array")
        }
        let count = try NumericArray.elementCount(shape: shape, source: source)
        guard elements.count == count else {
            throw SourceError(
                source, "object array of shape \(shape) holds \(elements.count) elements, expected \(count)")
        }
        guard fortran, shape.count == 2 else { return elements }
        return (0..<count).map { elements[($0 % shape[1]) * shape[0] + $0 / shape[1]] }
    }
}

/// Decodes UTF-8 text whose code points are all below 256 into one byte per code point, as
/// `_codecs.encode(text, 'latin1')` does; counts first so the result is allocated exactly once.
func decodeLatin1(_ utf8: UnsafeRawBufferPointer, expectedCount: Int, source: String) throws -> [UInt8] {
    var count = 0
    for byte in utf8 where byte & 0xC0 != 0x80 { count += 1 }
    guard count == expectedCount else {
        let relation = count < expectedCount ? "truncated" : "has trailing bytes"
        throw SourceError(
            source, "array data \(relation): expected \(expectedCount) bytes, the latin-1 text holds \(count)")
    }
    var index = 0
    var failure: Int?
    let decoded = [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
        var written = 0
        while index < utf8.count, written < count {
            let lead = utf8[index]
            if lead < 0x80 {
                output[written] = lead
                index += 1
            } else if lead == 0xC2 || lead == 0xC3, index + 1 < utf8.count, utf8[index + 1] & 0xC0 == 0x80 {
                output[written] = (lead & 0x03) << 6 | (utf8[index + 1] & 0x3F)
                index += 2
            } else {
                failure = index
                break
            }
            written += 1
        }
        if failure == nil && (written != count || index != utf8.count) { failure = index }
        // Bytes past a failure are never read: the array is discarded below.
        for rest in written..<count { output[rest] = 0 }
        initialized = count
    }
    if let failure {
        throw SourceError(
            source, "array data is not latin-1 text: bad UTF-8 or a code point above 255 at text byte \(failure)")
    }
    return decoded
}
