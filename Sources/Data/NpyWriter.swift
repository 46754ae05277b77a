import Foundation

extension NPY {
    /// The `.npy` encoding of `array`: format 1.0 (2.0 when the header needs it), C order.
    public static func encode(_ array: NumericArray, byteOrder: ByteOrder = .little) -> [UInt8] {
        let orderChar = array.dtype.itemSize == 1 ? "|" : (byteOrder == .little ? "<" : ">")
        let descr = "\(orderChar)\(array.dtype.kind)\(array.dtype.itemSize)"
        var output = encodeHeader(descr: descr, shape: array.shape, payloadCount: array.bytes.count)
        let start = output.count
        output += array.bytes
        if byteOrder != .host {
            output.withUnsafeMutableBytes {
                swapByteOrder(UnsafeMutableRawBufferPointer(rebasing: $0[start...]), itemSize: array.dtype.itemSize)
            }
        }
        return output
    }

    /// The magic, version and header of a `.npy` of `descr` and `shape` in C order, padded so that
    /// the data starts on a 64-byte boundary, with room reserved for `payloadCount` more bytes.
    static func encodeHeader(descr: String, shape: [Int], payloadCount: Int) -> [UInt8] {
        let dims = shape.map(String.init)
        let shapeText = dims.count == 1 ? "(\(dims[0]),)" : "(\(dims.joined(separator: ", ")))"
        var dict = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        var preamble = 10
        if (dict.count + 1 + preamble + 63) / 64 * 64 - preamble > Int(UInt16.max) { preamble = 12 }
        let padded = (preamble + dict.count + 1 + 63) / 64 * 64 - preamble
        dict += [UInt8](repeating: 0x20, count: padded - dict.count - 1) + [0x0A]
        var output: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, preamble == 10 ? 1 : 2, 0]
        output.reserveCapacity(preamble + dict.count + payloadCount)
        for shift in stride(from: 0, to: (preamble - 8) * 8, by: 8) {
            output.append(UInt8(truncatingIfNeeded: dict.count >> shift))
        }
        output += dict
        return output
    }

    /// Writes `array` as a `.npy` file at `path`.
    public static func write(_ array: NumericArray, to path: String, byteOrder: ByteOrder = .little) throws {
        try AtomicFile.write(data: encode(array, byteOrder: byteOrder), to: path)
    }
}
