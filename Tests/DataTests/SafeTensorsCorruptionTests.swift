import Foundation
import Testing

@testable import Data

/// A `.safetensors` file with header `json` (its length written as given, or the true length) and `data`.
func safeTensorsFile(_ json: String, data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
    let header = Array(json.utf8)
    let size = length ?? UInt64(header.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: size >> (8 * UInt64($0))) } + header + data
}

/// The error `decode` gives for `bytes` (named `bad.safetensors`), as printed, or `no error`.
func safeTensorsError(_ bytes: [UInt8]) -> String {
    do {
        _ = try SafeTensors.decode(bytes: bytes, source: "bad.safetensors")
        return "no error"
    } catch {
        return "\(error)"
    }
}

/// A header entry for tensor `name`.
func entry(_ name: String, _ dtype: String, _ shape: [Int], _ begin: Int, _ end: Int) -> String {
    #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":[\#(begin),\#(end)]}"#
}

@Test func safeTensorsRefusesAFileShorterThanTheLengthField() {
    #expect(safeTensorsError([1, 0, 0]).hasPrefix("bad.safetensors: truncated: expected 8 bytes of header length"))
}

@Test func safeTensorsRefusesAHeaderLengthBeyondTheFile() {
    let bytes = safeTensorsFile("{}", length: 1000)
    #expect(safeTensorsError(bytes) == "bad.safetensors: header length 1000 runs past the end of the 10-byte file")
}

@Test func safeTensorsRefusesAHugeHeaderBeforeReadingIt() {
    let bytes = safeTensorsFile("{}", length: 200_000_000)
    #expect(
        safeTensorsError(bytes) == "bad.safetensors: header length 200000000 is over the 100000000-byte limit")
    #expect(
        safeTensorsError(safeTensorsFile("{}", length: UInt64.max)).contains(
            "header length 18446744073709551615 is too large"))
}

@Test func safeTensorsRefusesAHeaderThatIsNotAJSONObject() {
    #expect(safeTensorsError(safeTensorsFile("[]")).contains("header does not start with '{'"))
    #expect(safeTensorsError(safeTensorsFile("")).contains("header does not start with '{'"))
}

@Test func safeTensorsRefusesInvalidJSON() {
    let cases = [
        #"{"a":{"dtype":"F32",}}"#: "at byte 20: expected '\"' but found '}'",
        #"{"a" {}}"#: "at byte 5: expected ':' but found '{'",
        #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}"#:
            "at byte 52: expected ',' or '}' but found the end of the header",
        #"{} x"#: "at byte 3: unexpected 'x' after the header's object",
        #"{"a":{"dtype":"F\q"}}"#: #"unknown string escape \q"#,
        #"{"a":{"dtype":"\ud800"}}"#: "lone UTF-16 surrogate",
        "{\"a\u{01}\":{}}": "string holds a raw control character 1",
    ]
    for (json, problem) in cases {
        let message = safeTensorsError(safeTensorsFile(json))
        #expect(message.hasPrefix("bad.safetensors: header is not valid safetensors JSON"), "\(json)")
        #expect(message.contains(problem), "\(json): \(message)")
    }
}

@Test func safeTensorsRefusesValuesOtherThanStringsAndNonNegativeIntegers() {
    let cases = [
        #"{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}"#: "found a fraction or exponent",
        #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#: "expected a non-negative integer but found '-'",
        #"{"a":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}"#: "integer has a leading zero",
        #"{"a":{"dtype":true,"shape":[1],"data_offsets":[0,4]}}"#: "expected '\"' but found 't'",
        #"{"__metadata__":{"epoch":3}}"#: "expected '\"' but found '3'",
        #"{"a":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,4]}}"#: "integer is too large",
    ]
    for (json, problem) in cases {
        let message = safeTensorsError(safeTensorsFile(json, data: [0, 0, 0, 0]))
        #expect(message.contains(problem), "\(json): \(message)")
    }
}

@Test func safeTensorsRefusesDuplicateTensorNames() {
    let json = "{" + entry("a", "U8", [1], 0, 1) + "," + entry("a", "U8", [1], 1, 2) + "}"
    #expect(safeTensorsError(safeTensorsFile(json, data: [1, 2])) == "bad.safetensors: header: two tensors named a")
}

@Test func safeTensorsRefusesDuplicateMetadataAndUnknownOrMissingKeys() {
    let twice = #"{"__metadata__":{},"__metadata__":{}}"#
    #expect(safeTensorsError(safeTensorsFile(twice)) == "bad.safetensors: header: two __metadata__ entries")
    let sameKey = #"{"__metadata__":{"k":"1","k":"2"}}"#
    #expect(safeTensorsError(safeTensorsFile(sameKey)).hasSuffix("header: __metadata__ has two entries named k"))
    let unknown = #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"extra":"x"}}"#
    #expect(
        safeTensorsError(safeTensorsFile(unknown, data: [1])).hasSuffix("header: tensor a has an unknown key extra"))
    let missing = #"{"a":{"dtype":"U8"}}"#
    #expect(safeTensorsError(safeTensorsFile(missing)).hasSuffix("header: tensor a lacks shape, data_offsets"))
    let three = #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}"#
    #expect(safeTensorsError(safeTensorsFile(three, data: [1])).contains("expected [begin, end]"))
}

@Test func safeTensorsRefusesAHeaderThatIsNotUTF8() {
    var bytes = safeTensorsFile(#"{"__metadata__":{"k":"ab"}}"#)
    bytes[8 + 23] = 0xFF
    #expect(safeTensorsError(bytes) == "bad.safetensors: header is not valid UTF-8")
}

@Test func safeTensorsRefusesOffsetsPastTheDataSection() {
    let json = "{" + entry("w", "F32", [2], 0, 8) + "}"
    #expect(
        safeTensorsError(safeTensorsFile(json, data: [0, 0, 0, 0]))
            == "bad.safetensors: tensor w has data_offsets [0, 8] past the end of the 4-byte data section")
}

@Test func safeTensorsRefusesOffsetsThatRunBackwards() {
    let json = "{" + entry("w", "U8", [0], 3, 1) + "}"
    #expect(
        safeTensorsError(safeTensorsFile(json, data: [0, 0, 0, 0])).hasSuffix("data_offsets [3, 1] that run backwards"))
}

@Test func safeTensorsRefusesOverlappingTensors() {
    let json = "{" + entry("a", "U8", [4], 0, 4) + "," + entry("b", "U8", [2], 2, 4) + "}"
    #expect(
        safeTensorsError(safeTensorsFile(json, data: [1, 2, 3, 4]))
            == "bad.safetensors: tensor b at bytes 2..<4 overlaps tensor a")
}

@Test func safeTensorsRefusesAGapBetweenTensors() {
    let json = "{" + entry("a", "U8", [1], 0, 1) + "," + entry("b", "U8", [1], 3, 4) + "}"
    #expect(
        safeTensorsError(safeTensorsFile(json, data: [1, 2, 3, 4]))
            == "bad.safetensors: bytes 1..<3 of the data section belong to no tensor (before b)")
}

@Test func safeTensorsRefusesTrailingBytesNoTensorCovers() {
    let json = "{" + entry("a", "U8", [2], 0, 2) + "}"
    #expect(
        safeTensorsError(safeTensorsFile(json, data: [1, 2, 3]))
            == "bad.safetensors: the tensors cover 2 bytes but the data section is 3 bytes; 1 trailing bytes belong to no tensor"
    )
}

@Test func safeTensorsRefusesAShapeThatDoesNotMatchTheByteLength() {
    let json = "{" + entry("w", "F32", [3], 0, 8) + "}"
    #expect(
        safeTensorsError(safeTensorsFile(json, data: [UInt8](repeating: 0, count: 8)))
            == "bad.safetensors[w]: shape [3] of F32 needs 12 bytes but data_offsets [0, 8] hold 8")
    let huge = "{" + entry("w", "F64", [1 << 40, 1 << 40], 0, 8) + "}"
    #expect(
        safeTensorsError(safeTensorsFile(huge, data: [UInt8](repeating: 0, count: 8))).contains(
            "more elements than fit"))
}

@Test func safeTensorsRefusesUnknownAndUnsupportedDTypes() {
    let unknown = "{" + entry("w", "F33", [1], 0, 4) + "}"
    #expect(safeTensorsError(safeTensorsFile(unknown, data: [0, 0, 0, 0])) == "bad.safetensors[w]: unknown dtype F33")
    let half = "{" + entry("w", "F16", [2], 0, 4) + "}"
    #expect(
        safeTensorsError(safeTensorsFile(half, data: [0, 0, 0, 0]))
            == "bad.safetensors[w]: dtype F16 is not supported; expected one of BOOL, I8, U8, I16, U16, I32, U32, I64, U64, F32, F64"
    )
}

@Test func safeTensorsRefusesBoolBytesOtherThanZeroAndOne() {
    let json = "{" + entry("m", "BOOL", [3], 0, 3) + "}"
    #expect(
        safeTensorsError(safeTensorsFile(json, data: [1, 0, 2]))
            == "bad.safetensors[m]: bool element 2 is 2, expected 0 or 1")
}

@Test func safeTensorsAcceptsWhitespaceAnywhereJSONAllowsIt() throws {
    let json = " {\n \"a\" : { \"shape\" : [ 2 ] ,\t\"data_offsets\":[0, 2], \"dtype\":\"U8\" } }  "
    let bytes = safeTensorsFile("{" + json.dropFirst(2), data: [4, 5])
    let contents = try decodeSafeTensors(bytes)
    #expect(contents.tensors == [NamedArray("a", try NumericArray(shape: [2], elements: [UInt8(4), 5]))])
}

@Test func corruptedSafeTensorsFilesGiveOnlyDataErrors() throws {
    let original = try SafeTensors.encode(try safeTensorsSample(), metadata: ["epoch": "12"])
    expectOnlyDataErrors(original, variants: 3000, seed: 5) {
        _ = try SafeTensors.decode(bytes: $0, source: "x.safetensors")
    }
}
