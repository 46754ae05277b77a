import Foundation
import Testing

@testable import Data

/// `.npy` bytes with a hand-written header dict, for files numpy would never write.
func npyBytes(header: String, payload: [UInt8], version: UInt8 = 1) -> [UInt8] {
    let dict = Array((header + "\n").utf8)
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
    if version == 1 {
        bytes += [UInt8(dict.count & 0xFF), UInt8(dict.count >> 8)]
    } else {
        bytes += [UInt8(dict.count & 0xFF), UInt8(dict.count >> 8), 0, 0]
    }
    return bytes + dict + payload
}

func sampleArray(_ dtype: DType) throws -> NumericArray {
    switch dtype {
    case .bool: return try NumericArray(shape: [2, 3], elements: [true, false, true, true, false, false])
    case .int8: return try NumericArray(shape: [2, 3], elements: [Int8(-128), -1, 0, 1, 2, 127])
    case .uint8: return try NumericArray(shape: [2, 3], elements: [UInt8(0), 1, 2, 3, 254, 255])
    case .int16: return try NumericArray(shape: [2, 3], elements: [Int16.min, -300, 0, 1, 300, .max])
    case .uint16: return try NumericArray(shape: [2, 3], elements: [UInt16(0), 1, 2, 300, 40000, .max])
    case .int32: return try NumericArray(shape: [3, 2], elements: [Int32.min, -70000, 0, 1, 70000, .max])
    case .uint32: return try NumericArray(shape: [6], elements: [UInt32(0), 1, 2, 3, 70000, .max])
    case .int64: return try NumericArray(shape: [1, 2, 3], elements: [Int64.min, -5, 0, 1, 1 << 40, .max])
    case .uint64: return try NumericArray(shape: [2, 3], elements: [UInt64(0), 1, 2, 3, 1 << 40, .max])
    case .float32: return try NumericArray(shape: [2, 3], elements: [Float(-1.5), 0, 0.25, 1, 3e38, -0.0])
    case .float64: return try NumericArray(shape: [2, 3], elements: [-1.5, 0, 0.1, 1, 1e300, -0.0])
    }
}

@Test(arguments: DType.allCases)
func npyRoundTripsEveryDTypeInBothByteOrders(dtype: DType) throws {
    let original = try sampleArray(dtype)
    for order in [ByteOrder.little, .big] {
        let bytes = NPY.encode(original, byteOrder: order)
        #expect(bytes.count % 64 == original.bytes.count % 64)
        let back = try NPY.read(taking: bytes, source: "t.npy")
        #expect(back == original)
        let mapped = try NPY.read(data: Data(bytes), source: "t.npy")
        #expect(mapped == original)
    }
}

@Test func npyBigEndianHeaderSaysBigEndianAndSwapsBytes() throws {
    let array = try NumericArray(shape: [1], elements: [UInt16(0x0102)])
    let bytes = NPY.encode(array, byteOrder: .big)
    #expect(String(decoding: bytes, as: UTF8.self).contains("'descr': '>u2'"))
    #expect(Array(bytes.suffix(2)) == [0x01, 0x02])
}

@Test func npyReadsFortranOrderAsCOrder() throws {
    let payload: [UInt8] = [0, 3, 1, 4, 2, 5]  // a 2×3 array 0...5 stored column by column
    let bytes = npyBytes(header: "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", payload: payload)
    let array = try NPY.read(taking: bytes, source: "f.npy")
    #expect(array.shape == [2, 3])
    #expect(array.bytes == [0, 1, 2, 3, 4, 5])
}

@Test func npyReadsVersion2And3Headers() throws {
    for version: UInt8 in [2, 3] {
        let bytes = npyBytes(
            header: "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", payload: [1, 0, 0xFF, 0xFF],
            version: version)
        let array = try NPY.read(taking: bytes, source: "v.npy")
        #expect(try array.elements(as: Int16.self) == [1, -1])
    }
}

@Test func npyWriterSwitchesToVersion2ForHugeHeaders() throws {
    let array = try NumericArray(shape: [Int](repeating: 1, count: 64), elements: [UInt8(7)])
    let bytes = NPY.encode(array)
    #expect(bytes[6] == 1)
    #expect(try NPY.read(taking: bytes, source: "h.npy") == array)
}

func npyError(_ bytes: [UInt8], requirements: ArrayRequirements = .init()) -> String {
    do {
        _ = try NPY.read(taking: bytes, source: "bad.npy", requirements: requirements)
        return "no error"
    } catch {
        return "\(error)"
    }
}

@Test func npyRejectsWrongMagic() {
    let message = npyError(Array("PK\u{3}\u{4}notnumpy at all".utf8))
    #expect(message.hasPrefix("bad.npy: not a .npy file"))
    #expect(message.contains("found 50 4b 3 4"))
}

@Test func npyRejectsTruncatedData() throws {
    let full = NPY.encode(try sampleArray(.float32))
    let message = npyError(Array(full.dropLast(3)))
    #expect(message.contains("data truncated: shape [2, 3] of float32 needs 24 bytes, found 21"))
}

@Test func npyRejectsTruncatedHeader() throws {
    let full = NPY.encode(try sampleArray(.uint8))
    #expect(npyError(Array(full.prefix(40))).contains("truncated .npy header"))
}

@Test func npyRejectsAVersionTwoPreambleCutBeforeItsLength() {
    for kept in [10, 11] {
        let bytes = Array(([0x93] + Array("NUMPY".utf8) + [2, 0, 0x76, 0, 0, 0]).prefix(kept))
        #expect(npyError(bytes).contains("truncated .npy header: expected 12 bytes of preamble, found \(kept)"))
    }
}

@Test func npyRejectsHeaderThatLiesAboutShape() {
    let bytes = npyBytes(
        header: "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 3), }", payload: [UInt8](repeating: 0, count: 40)
    )
    #expect(npyError(bytes).contains("data has trailing bytes: shape [3, 3] of float32 needs 36 bytes, found 40"))
}

@Test func npyRejectsOverflowingShape() {
    let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"
    #expect(npyError(npyBytes(header: header, payload: [])).contains("more elements than fit in memory"))
    let huge = "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }"
    #expect(npyError(npyBytes(header: huge, payload: [])).contains("shape dimension too large"))
}

@Test func npyRejectsNegativeDimension() {
    let header = "{'descr': '|u1', 'fortran_order': False, 'shape': (-1, 4), }"
    #expect(npyError(npyBytes(header: header, payload: [])).contains("negative dimension"))
}

@Test func npyRejectsMalformedHeaderDict() {
    let extra = "{'descr': '|u1', 'fortran_order': False, 'shape': (1,), 'evil': 1, }"
    #expect(npyError(npyBytes(header: extra, payload: [0])).contains("unexpected or repeated key 'evil'"))
    let missing = "{'descr': '|u1', 'shape': (1,), }"
    #expect(
        npyError(npyBytes(header: missing, payload: [0])).contains("expected keys 'descr', 'fortran_order' and 'shape'")
    )
}

@Test func npyRejectsObjectAndStringDTypes() {
    let object = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    #expect(npyError(npyBytes(header: object, payload: [0])).contains("unsupported dtype '|O' (an object array"))
    let text = "{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }"
    #expect(npyError(npyBytes(header: text, payload: [])).contains("unsupported dtype '<U3'"))
}

@Test func npyRejectsEmptyArrayWhenDataIsRequired() {
    let bytes = npyBytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 784), }", payload: [])
    #expect(npyError(bytes) == "no error")
    #expect(npyError(bytes, requirements: .init(nonEmpty: true)).contains("array of shape [0, 784] is empty"))
}

@Test func npyRejectsNaNWhenFiniteDataIsRequired() throws {
    let array = try NumericArray(shape: [3], elements: [Float(1), .nan, 2])
    let bytes = NPY.encode(array)
    #expect(npyError(bytes) == "no error")
    #expect(npyError(bytes, requirements: .init(finite: true)).contains("element 1 is nan"))
}

@Test func npyRejectsBoolBytesOtherThanZeroOrOne() {
    let bytes = npyBytes(header: "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", payload: [1, 7])
    #expect(npyError(bytes).contains("bool element 1 holds 7"))
}

@Test func dataSampleReadsAsFloat32SixtyBy784InUnitRange() throws {
    let array = try NPY.read(
        path: SharedSamples.path("homework/data_sample.npy"), requirements: .init(nonEmpty: true, finite: true))
    #expect(array.dtype == .float32)
    #expect(array.shape == [60, 784])
    let values = try array.elements(as: Float.self)
    #expect(values.min() == 0)
    #expect(values.max() ?? 2 <= 1)
    #expect((values.max() ?? 0) > 0.9)
}

@Test func npyRejectsStructuredDTypes() {
    let header = "{'descr': [('a', '<f4'), ('b', '|u1')], 'fortran_order': False, 'shape': (1,), }"
    #expect(
        npyError(npyBytes(header: header, payload: [0, 0, 0, 0, 0])).contains(
            "structured dtypes (a 'descr' list) are not supported"))
}
