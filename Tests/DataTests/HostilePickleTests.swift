import Foundation
import Testing

@testable import Data

let objectHeader = "{'descr': '|O', 'fortran_order': False, 'shape': (3, 2), }"
/// Where the pickle starts in files made by `objectFile`: preamble, header dict and newline.
let pickleStart = 10 + objectHeader.utf8.count + 1

/// A `.npy` object-array file around `pickle`, as np.save would frame it.
func objectFile(_ pickle: [UInt8]) -> Data { Data(npyBytes(header: objectHeader, payload: pickle)) }

func homeworkError(_ data: Data) -> String {
    do {
        _ = try HomeworkDataset.read(data: data, source: "evil.npy")
        return "no error"
    } catch let error as SourceError {
        return error.description
    } catch {
        return "unexpected error type: \(error)"
    }
}

@Test func pickleNamingOsSystemIsRefusedWithItsNameAndOffset() {
    let pickle: [UInt8] =
        [0x80, 2] + Array("cos\nsystem\n".utf8) + [0x58, 2, 0, 0, 0] + Array("ls".utf8) + [0x85, 0x52, 0x2E]
    let message = homeworkError(objectFile(pickle))
    #expect(message.hasPrefix("evil.npy: pickle names the global os.system, which is not allowed"))
    #expect(message.hasSuffix("at byte \(pickleStart + 2)"))
}

@Test func pickleNamingBuiltinsEvalThroughStackGlobalIsRefused() {
    let pickle: [UInt8] = [0x80, 4, 0x8C, 8] + Array("builtins".utf8) + [0x8C, 4] + Array("eval".utf8) + [0x93, 0x2E]
    #expect(homeworkError(objectFile(pickle)).contains("pickle names the global builtins.eval, which is not allowed"))
}

@Test func pickleWithUnknownOpcodeIsRefusedWithNameAndOffset() {
    let message = homeworkError(objectFile([0x80, 2, 0x4E, 0x29, 0x81, 0x2E]))
    #expect(message == "evil.npy: unsupported pickle opcode 0x81 (NEWOBJ) at byte \(pickleStart + 4)")
}

@Test func pickleWithOutOfBandBufferIsRefused() {
    #expect(homeworkError(objectFile([0x80, 5, 0x97, 0x2E])).contains("0x97 (NEXT_BUFFER (out-of-band buffers))"))
}

@Test func pickleNestingTooDeepIsRefused() {
    let pickle: [UInt8] = [0x80, 2, 0x29] + [UInt8](repeating: 0x85, count: 200) + [0x2E]
    #expect(homeworkError(objectFile(pickle)).contains("nests containers deeper than 64"))
}

@Test func pickleStringLongerThanTheFileIsRefused() {
    let pickle: [UInt8] = [0x80, 4, 0x8E, 0, 0, 0, 0, 0, 0, 0, 0x40, 1, 2, 3]
    #expect(
        homeworkError(objectFile(pickle)).contains(
            "truncated pickle: a 4611686018427387904-byte string runs past the end"))
}

@Test func pickleStackAndMemoMisuseIsRefused() {
    #expect(
        homeworkError(objectFile([0x80, 2, 0x85, 0x2E])).contains("pickle stack underflow at byte \(pickleStart + 2)"))
    #expect(homeworkError(objectFile([0x80, 2, 0x68, 5, 0x2E])).contains("memo entry 5 was never stored"))
    #expect(
        homeworkError(objectFile([0x80, 2, 0x5D, 0x71, 0, 0x68, 0, 0x61, 0x2E])).contains("a list appended to itself"))
    #expect(homeworkError(objectFile([0x80, 2])).contains("truncated: expected 1 bytes of pickle opcode"))
}

@Test func pickleHoldingSomethingOtherThanAnObjectArrayIsRefused() {
    #expect(
        homeworkError(objectFile([0x80, 2, 0x4E, 0x2E]))
            == "evil.npy: the pickle holds a None, expected a numpy object array")
}

@Test func homeworkReaderRefusesPlainNumericFile() throws {
    let plain = NPY.encode(try sampleArray(.uint8))
    #expect(
        homeworkError(Data(plain)).contains(
            "expected an object array ('|O') of (images, labels) pairs, found dtype '|u1'"))
}

@Test func pickleArrayWhoseShapeLiesAboutItsDataIsRefused() {
    var bytes = [UInt8](PickleFixtures.pickle3)
    let shape: [UInt8] = [0x4B, 3, 0x4B, 4, 0x4B, 4, 0x4B, 3, 0x74]  // (3, 4, 4, 3) of the train images
    guard let at = bytes.indices.first(where: { bytes[$0...].starts(with: shape) }) else {
        Issue.record("shape tuple not found in the fixture")
        return
    }
    bytes[at + 1] = 4
    #expect(
        homeworkError(Data(bytes)).contains(
            "[train] images: data truncated: shape [4, 4, 4, 3] of uint8 needs 192 bytes, found 144"))
}

@Test func latin1DecodingRefusesCodePointsAbove255() {
    let text: [UInt8] = [0x41, 0xC4, 0x80]  // "AĀ": U+0100 does not fit in one byte
    let message = text.withUnsafeBytes { raw -> String in
        do {
            _ = try decodeLatin1(raw, expectedCount: 2, source: "t")
            return "no error"
        } catch { return "\(error)" }
    }
    #expect(message.contains("not latin-1 text: bad UTF-8 or a code point above 255 at text byte 1"))
}

@Test func everyTruncationOfAPickleFileIsRefusedCleanly() {
    let full = [UInt8](PickleFixtures.pickle3)
    for length in 0..<full.count {
        let message = homeworkError(Data(full.prefix(length)))
        #expect(message.hasPrefix("evil.npy"), "prefix of \(length) bytes gave: \(message)")
    }
}

@Test func randomlyCorruptedPicklesNeverCrashOrThrowOtherErrors() {
    var generator = SplitMix(seed: 42)
    for fixture in [PickleFixtures.pickle2FortranOneHot, PickleFixtures.pickle5] {
        let original = [UInt8](fixture)
        for _ in 0..<1500 {
            var bytes = original
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                let index = pickleStart + Int(generator.next() % UInt64(original.count - pickleStart))
                bytes[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            let message = homeworkError(Data(bytes))
            #expect(!message.hasPrefix("unexpected error type"), "\(message)")
        }
    }
}

/// A small deterministic generator for test inputs.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs the pickle machine on bare pickle bytes (no .npy header) and returns its result.
func runPickle(_ bytes: [UInt8]) throws -> PickleValue {
    try bytes.withUnsafeBytes { raw in
        var machine = PickleMachine(raw, source: "p", fileOffset: 0)
        return try machine.run()
    }
}

@Test func pickledNumpyScalarsEvaluateToNumbers() throws {
    // pickle.dumps(np.uint16(513), protocol=2) and pickle.dumps(np.float32(1.5), protocol=2)
    let head: [UInt8] =
        [128, 2, 99] + Array("numpy._core.multiarray\nscalar\n".utf8) + [113, 0, 99]
        + Array("numpy\ndtype\n".utf8) + [113, 1, 88, 2, 0, 0, 0]
    let state: [UInt8] =
        [113, 2, 137, 136, 135, 113, 3, 82, 113, 4, 40, 75, 3, 88, 1, 0, 0, 0, 60, 113, 5, 78, 78, 78]
        + [74, 255, 255, 255, 255, 74, 255, 255, 255, 255, 75, 0, 116, 113, 6, 98, 99]
        + Array("_codecs\nencode\n".utf8) + [113, 7, 88]
    let tail: [UInt8] =
        [113, 8, 88, 6, 0, 0, 0] + Array("latin1".utf8) + [113, 9, 134, 113, 10, 82, 113, 11, 134]
        + [113, 12, 82, 113, 13, 46]
    let uint16 = head + Array("u2".utf8) + state + [2, 0, 0, 0, 1, 2] + tail
    let float32 = head + Array("f4".utf8) + state + [5, 0, 0, 0, 0, 0, 195, 128, 63] + tail
    guard case .int(513) = try runPickle(uint16) else {
        Issue.record("uint16 scalar did not evaluate to 513")
        return
    }
    guard case .float(1.5) = try runPickle(float32) else {
        Issue.record("float32 scalar did not evaluate to 1.5")
        return
    }
}

@Test func homeworkFileWithAnEmptySplitIsRefused() {
    #expect(
        homeworkError(PickleFixtures.emptyTrain)
            == "evil.npy [train]: the split holds no images (shape [0, 4, 4, 3]); expected at least one")
}
