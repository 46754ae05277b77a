import Foundation
import Testing

@testable import Data

func npzSample() throws -> [NamedArray] {
    [
        NamedArray("train_x", try NumericArray(shape: [2, 2, 2], elements: [UInt8](0..<8))),
        NamedArray("train_y", try NumericArray(shape: [2], elements: [UInt8(3), 9])),
        NamedArray("scale", try NumericArray(shape: [], elements: [Float(0.5)])),
    ]
}

@Test(arguments: [false, true])
func npzRoundTripsStoredAndDeflated(compressed: Bool) throws {
    let arrays = try npzSample()
    let bytes = try NPZ.encode(arrays, compressed: compressed)
    #expect(try NPZ.read(data: Data(bytes), source: "t.npz") == arrays)
}

@Test(arguments: [("stored.npz", Fixtures.numpyStoredNpz), ("deflated.npz", Fixtures.numpyDeflatedNpz)])
func npzReadsArchivesWrittenByNumPy(file: String, data: Data) throws {
    let arrays = try NPZ.read(data: data, source: file)
    #expect(arrays.map(\.name) == ["x", "y"])
    let x = try arrays.array(named: "x", source: file)
    #expect(x.shape == [3, 4])
    #expect(x.bytes == [UInt8](0..<12))
    let y = try arrays.array(named: "y", source: file)
    #expect(try y.elements(as: Double.self) == [1.5, -2.0, 0.25, 8.0])
}

@Test func npyReadsFortranOrderFileWrittenByNumPy() throws {
    let array = try NPY.read(data: Fixtures.fortranInt32Npy, source: "fortran_i4.npy")
    #expect(array.shape == [2, 3, 4])
    #expect(try array.elements(as: Int32.self) == (0..<24).map(Int32.init))
}

func npzError(_ bytes: [UInt8]) -> String {
    do {
        _ = try NPZ.read(data: Data(bytes), source: "bad.npz")
        return "no error"
    } catch {
        return "\(error)"
    }
}

@Test func npzRejectsCorruptedMemberByCRC() throws {
    var bytes = try NPZ.encode(npzSample(), compressed: false)
    let header = Array("NUMPY".utf8)
    guard let start = bytes.indices.first(where: { bytes[$0...].starts(with: header) }) else {
        Issue.record("no npy member found")
        return
    }
    bytes[start + 130] ^= 0xFF  // a pixel byte of train_x, past the 128-byte npy header
    #expect(npzError(bytes).contains("bad.npz[train_x.npy]: CRC-32 mismatch"))
}

@Test func npzRejectsCorruptDeflateStream() throws {
    var bytes = try NPZ.encode(npzSample(), compressed: true)
    for index in 40..<60 { bytes[index] = 0xFF }
    let message = npzError(bytes)
    #expect(message.contains("bad.npz[train_x.npy]"))
    #expect(message.contains("corrupt compressed data") || message.contains("inflated size differs"))
}

@Test func npzRejectsNonZipAndTruncatedArchives() throws {
    #expect(npzError(Array("hello, not a zip archive".utf8)).contains("no end-of-central-directory record"))
    let bytes = try NPZ.encode(npzSample(), compressed: true)
    #expect(npzError(Array(bytes.prefix(bytes.count / 2))).contains("no end-of-central-directory record"))
    var cut = bytes
    cut.removeSubrange(20..<60)
    #expect(npzError(cut).hasPrefix("bad.npz"))
    #expect(npzError(cut) != "no error")
}

@Test func npzRejectsUnsupportedCompressionMethod() throws {
    var bytes = try NPZ.encode(npzSample(), compressed: false)
    let directory = bytes.indices.filter { bytes[$0...].starts(with: [0x50, 0x4B, 0x01, 0x02]) }
    for offset in directory { bytes[offset + 10] = 14 }  // LZMA
    #expect(npzError(bytes).contains("unsupported zip compression method 14"))
}

@Test func npzLookupNamesMissingArray() throws {
    let arrays = try npzSample()
    #expect(throws: SourceError("t.npz", "no array named test_x; found train_x, train_y, scale")) {
        _ = try arrays.array(named: "test_x", source: "t.npz")
    }
}

@Test func npzRejectsMemberDeclaringImpossibleInflatedSize() throws {
    var bytes = try NPZ.encode(npzSample(), compressed: true)
    let directory = bytes.indices.filter { bytes[$0...].starts(with: [0x50, 0x4B, 0x01, 0x02]) }
    for offset in directory { bytes.replaceSubrange((offset + 24)..<(offset + 28), with: [0xFF, 0xFF, 0xFF, 0x7F]) }
    #expect(npzError(bytes).contains("declared size 2147483647 bytes is impossible for"))
}

@Test func npzReadsZip64CentralDirectoryAndEndRecord() throws {
    let arrays = try NPZ.read(data: Fixtures.zip64Npz, source: "z64.npz")
    #expect(arrays.map(\.name) == ["z"])
    #expect(try arrays.array(named: "z", source: "z64.npz").elements(as: Int16.self) == [0, 1, 2, 3, 4])
}
