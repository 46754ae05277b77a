import Foundation
import Testing

@testable import Data

/// TensorBoard's event records, byte by byte where the format is fixed by others.
struct TensorBoardEventsTests {
    @Test func theChecksumIsCRC32CAsTFRecordDefinesIt() {
        // The CRC-32C check value of "123456789" (RFC 3720, iSCSI).
        #expect(TensorBoardEvents.crc32c(Array("123456789".utf8)) == 0xE306_9283)
        #expect(TensorBoardEvents.crc32c([]) == 0)
    }

    @Test func aScalarIsOneFramedRecordHoldingTagStepAndValue() throws {
        let record = TensorBoardEvents.scalar("loss/r", 0.25, step: 300, wallTime: 1.5)
        let length = record[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(record.count == 8 + 4 + length + 4)
        let data = Array(record[12..<(12 + length)])
        let crc = record[(12 + length)...].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
        #expect(crc == TensorBoardEvents.maskedCRC(data))
        // wall_time (field 1, double 1.5), then step (field 2, varint 300 = 0xAC 0x02).
        #expect(Array(data[0..<9]) == [0x09] + withUnsafeBytes(of: (1.5).bitPattern.littleEndian) { Array($0) })
        #expect(Array(data[9..<12]) == [0x10, 0xAC, 0x02])
        // The summary's value: the tag, then simple_value (field 2, fixed32 0.25).
        let tag = Array("loss/r".utf8)
        #expect(
            data.suffix(tag.count + 2 + 5) == ArraySlice([0x0A, UInt8(tag.count)] + tag + [0x15, 0, 0, 0x80, 0x3E]))
    }
}
