import Foundation
import Testing

@testable import Data

/// One tensor of every dtype, including a scalar and empty tensors.
func safeTensorsSample() throws -> [NamedArray] {
    [
        NamedArray("enc.w", try NumericArray(shape: [2, 3], elements: [Float(1), -2, 0.5, 3, .infinity, -0.0])),
        NamedArray("enc.b", try NumericArray(shape: [3], elements: [Float(0.25), 0, 1])),
        NamedArray("scale", try NumericArray(shape: [], elements: [Double(-1.5)])),
        NamedArray("empty", try NumericArray(shape: [0, 4], elements: [Float]())),
        NamedArray("empty_u8", try NumericArray(shape: [0], elements: [UInt8]())),
        NamedArray("step", try NumericArray(shape: [], elements: [Int64(-7)])),
        NamedArray("stream", try NumericArray(shape: [2], elements: [UInt64.max, 12])),
        NamedArray("i32", try NumericArray(shape: [1, 2], elements: [Int32.min, 5])),
        NamedArray("u32", try NumericArray(shape: [1], elements: [UInt32(70000)])),
        NamedArray("i16", try NumericArray(shape: [3], elements: [Int16(-3), 4, Int16.max])),
        NamedArray("u16", try NumericArray(shape: [1], elements: [UInt16(65535)])),
        NamedArray("i8", try NumericArray(shape: [2], elements: [Int8(-128), 127])),
        NamedArray("pixels", try NumericArray(shape: [1, 2, 2, 1], elements: [UInt8(0), 9, 200, 255])),
        NamedArray("mask", try NumericArray(shape: [3], elements: [true, false, true])),
    ]
}

/// Decodes `bytes` as a file named `t.safetensors`.
func decodeSafeTensors(_ bytes: [UInt8]) throws -> SafeTensors.Contents {
    try SafeTensors.decode(bytes: bytes, source: "t.safetensors")
}

@Test func safeTensorsRoundTripsEveryDTypeScalarsAndEmptyTensors() throws {
    let sample = try safeTensorsSample()
    let contents = try decodeSafeTensors(try SafeTensors.encode(sample))
    #expect(contents.metadata.isEmpty)
    #expect(contents.tensors.count == sample.count)
    for named in sample {
        #expect(try contents.tensors.array(named: named.name, source: "t") == named.array)
    }
}

@Test func safeTensorsEncodingIsTheSameBytesWhateverTheInputOrder() throws {
    let sample = try safeTensorsSample()
    let metadata = ["epoch": "3", "seed": "7", "a": "b"]
    let first = try SafeTensors.encode(sample, metadata: metadata)
    let again = try SafeTensors.encode(sample, metadata: metadata)
    let reversed = try SafeTensors.encode(sample.reversed(), metadata: metadata)
    #expect(first == again)
    #expect(first == reversed)
}

@Test func safeTensorsWritesTheHandComputedBytesOfASmallFile() throws {
    let bytes = try SafeTensors.encode(
        tensors: [
            (name: "w", array: try NumericArray(shape: [2], elements: [Float(1), -2])),
            (name: "n", array: try NumericArray(shape: [], elements: [UInt8(9)])),
        ],
        metadata: ["step": "3"])
    let json =
        #"{"__metadata__":{"step":"3"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
        + #""n":{"dtype":"U8","shape":[],"data_offsets":[8,9]}}"#
    #expect(json.utf8.count == 133)
    let expected: [UInt8] =
        [136, 0, 0, 0, 0, 0, 0, 0] + Array(json.utf8) + [0x20, 0x20, 0x20]
        + [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0] + [9]
    #expect(bytes == expected)
}

@Test func safeTensorsHeaderIsPaddedWithSpacesToAMultipleOfEight() throws {
    for count in 0..<9 {
        let name = String(repeating: "n", count: count + 1)
        let bytes = try SafeTensors.encode([NamedArray(name, try NumericArray(shape: [1], elements: [Int8(1)]))])
        let length = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect(length % 8 == 0)
        #expect(bytes.count == 8 + length + 1)
        #expect(bytes[8 + length - 1] == UInt8(ascii: "}") || bytes[8 + length - 1] == 0x20)
    }
}

@Test func safeTensorsLaysOutWidestDTypesFirstSoEveryTensorIsAligned() throws {
    let contents = try decodeSafeTensors(try SafeTensors.encode(try safeTensorsSample()))
    #expect(
        contents.tensors.map(\.name) == [
            "stream", "step", "scale", "empty", "enc.b", "enc.w", "u32", "i32", "u16", "i16", "i8", "empty_u8",
            "pixels", "mask",
        ])
    var offset = 0
    for named in contents.tensors {
        #expect(offset % named.array.dtype.itemSize == 0, "\(named.name) at \(offset)")
        offset += named.array.bytes.count
    }
}

@Test func safeTensorsMetadataRoundTripsWithEscapesAndUnicode() throws {
    let metadata = [
        "format": "pt", "quote\"slash\\": "line\nbreak\ttab\u{01}\u{7F}/", "ünï": "𝄞 ✓", "": "",
    ]
    let bytes = try SafeTensors.encode(try safeTensorsSample(), metadata: metadata)
    #expect(try decodeSafeTensors(bytes).metadata == metadata)
}

@Test func safeTensorsEscapesHeaderStringsAsTheReferenceWriterDoes() throws {
    let bytes = try SafeTensors.encode([], metadata: ["k": "x\"\n\u{E9}\u{01}\u{7F}/"])
    let json = #"{"__metadata__":{"k":"x\"\n\#u{E9}\u0001\#u{7F}/"}}"#
    #expect(json.utf8.count == 40)
    #expect(bytes == [40, 0, 0, 0, 0, 0, 0, 0] + Array(json.utf8))
}

@Test func safeTensorsWithNoTensorsIsAnEmptyObject() throws {
    let bytes = try SafeTensors.encode([NamedArray]())
    #expect(bytes == [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
    #expect(try decodeSafeTensors(bytes) == SafeTensors.Contents(tensors: []))
}

@Test func safeTensorsEncodeRefusesDuplicateNamesAndTheMetadataKey() throws {
    let array = try NumericArray(shape: [1], elements: [Float(1)])
    #expect(throws: SourceError("safetensors", "two tensors named a")) {
        try SafeTensors.encode([NamedArray("a", array), NamedArray("a", array)])
    }
    #expect(throws: SourceError("safetensors", "a tensor cannot be named __metadata__")) {
        try SafeTensors.encode([NamedArray("__metadata__", array)])
    }
}

/// A fresh empty folder under the temporary directory.
func safeTensorsFolder() throws -> String {
    let folder = NSTemporaryDirectory() + "safetensors-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}

@Test func safeTensorsWriteAndReadRoundTripThroughAFileAndLeaveNoTemporary() throws {
    let folder = try safeTensorsFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/model.safetensors"
    let sample = try safeTensorsSample()
    try SafeTensors.write(sample, metadata: ["epoch": "1"], to: path)
    try SafeTensors.write(Array(sample.prefix(2)), metadata: ["epoch": "2"], to: path)
    let contents = try SafeTensors.read(path: path)
    #expect(contents.metadata == ["epoch": "2"])
    #expect(contents.tensors.map(\.name) == ["enc.b", "enc.w"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["model.safetensors"])
    #expect(
        try Data(contentsOf: URL(fileURLWithPath: path))
            == Data(try SafeTensors.encode(Array(sample.prefix(2)), metadata: ["epoch": "2"])))
}

@Test func safeTensorsWriteIntoAMissingFolderIsADataErrorNamingThePath() throws {
    let path = "/nonexistent-\(UUID().uuidString)/model.safetensors"
    do {
        try SafeTensors.write([NamedArray](), to: path)
        Issue.record("expected an error")
    } catch let error as SourceError {
        #expect(error.source == path)
        #expect(error.problem.contains("cannot create"))
    }
}

@Test func safeTensorsReadOfAMissingFileIsADataError() throws {
    let path = "/nonexistent-\(UUID().uuidString).safetensors"
    #expect(throws: SourceError.self) { try SafeTensors.read(path: path) }
}

/// `safeTensorsSample()` without the tensors the reference-written fixtures lack.
func safeTensorsFixtureSample() throws -> [NamedArray] {
    try safeTensorsSample().filter { !["enc.b", "empty_u8"].contains($0.name) }
}

@Test func safeTensorsReadsFilesWrittenByTheReferenceImplementation() throws {
    let files = [
        ("torch.safetensors", SafeTensorsFixtures.torchFile), ("numpy.safetensors", SafeTensorsFixtures.numpyFile),
    ]
    for (name, bytes) in files {
        let contents = try SafeTensors.decode(bytes: bytes, source: name)
        let expected = try safeTensorsFixtureSample()
        #expect(contents.tensors.count == expected.count)
        for named in expected {
            #expect(try contents.tensors.array(named: named.name, source: name) == named.array, "\(name) \(named.name)")
        }
    }
    #expect(try decodeSafeTensors(SafeTensorsFixtures.torchFile).metadata == ["format": "pt"])
    #expect(try decodeSafeTensors(SafeTensorsFixtures.numpyFile).metadata == ["format": "np", "note": "é\n\"q\""])
}

@Test func safeTensorsEncodingIsByteIdenticalToTheReferenceWriter() throws {
    let bytes = try SafeTensors.encode(try safeTensorsFixtureSample(), metadata: ["format": "pt"])
    #expect(SafeTensorsFixtures.torchFile.count == 837)
    #expect(bytes == SafeTensorsFixtures.torchFile)
}

@Test func safeTensorsWriteOverAFolderLeavesWhatWasThereAndNoTemporary() throws {
    let folder = try safeTensorsFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/taken"
    try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
    do {
        try SafeTensors.write(try safeTensorsSample(), to: path)
        Issue.record("expected an error")
    } catch let error as SourceError {
        #expect(error.source == path)
        #expect(error.problem.contains("is a folder, not a regular file"))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["taken"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["inside"])
}
