import Foundation

/// TensorBoard's event file format, written: a TFRecord stream of `Event` protocol buffers, each
/// holding a scalar or a PNG image under a tag at a step, so `tensorboard --logdir` shows a run.
///
/// Only the few protobuf fields TensorBoard reads are encoded (by hand: an `Event` is five fields):
/// `Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }`,
/// `Summary { repeated Value value = 1; }`,
/// `Value { string tag = 1; float simple_value = 2; Image image = 4; }`,
/// `Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }`.
/// A record is `uint64 length, uint32 masked CRC-32C of the length, data, uint32 masked CRC-32C of
/// the data`, all little-endian.
public enum TensorBoardEvents {
    /// The first record of every event file.
    public static func fileVersion(wallTime: Double) -> [UInt8] {
        var event = Protobuf()
        event.double(1, wallTime)
        event.bytes(3, Array("brain.Event:2".utf8))
        return record(event.bytes)
    }

    /// A record of the scalar `value` under `tag` at `step`.
    public static func scalar(_ tag: String, _ value: Float, step: Int, wallTime: Double) -> [UInt8] {
        var entry = Protobuf()
        entry.bytes(1, Array(tag.utf8))
        entry.float(2, value)
        return summary(entry, step: step, wallTime: wallTime)
    }

    /// A record of the PNG `png` (`height` × `width`, RGB) under `tag` at `step`.
    public static func image(_ tag: String, png: [UInt8], height: Int, width: Int, step: Int, wallTime: Double)
        -> [UInt8]
    {
        var image = Protobuf()
        image.varint(1, UInt64(height))
        image.varint(2, UInt64(width))
        image.varint(3, 3)
        image.bytes(4, png)
        var entry = Protobuf()
        entry.bytes(1, Array(tag.utf8))
        entry.bytes(4, image.bytes)
        return summary(entry, step: step, wallTime: wallTime)
    }

    /// The record of one summary value `entry` at `step`.
    static func summary(_ entry: Protobuf, step: Int, wallTime: Double) -> [UInt8] {
        var summary = Protobuf()
        summary.bytes(1, entry.bytes)
        var event = Protobuf()
        event.double(1, wallTime)
        event.varint(2, UInt64(bitPattern: Int64(step)))
        event.bytes(5, summary.bytes)
        return record(event.bytes)
    }

    /// `data` framed as one TFRecord.
    static func record(_ data: [UInt8]) -> [UInt8] {
        let length = littleEndian(UInt64(data.count))
        return length + littleEndian(maskedCRC(length)) + data + littleEndian(maskedCRC(data))
    }

    /// TFRecord's masked CRC-32C: rotated and offset, so a CRC of data holding CRCs stays strong.
    static func maskedCRC(_ bytes: [UInt8]) -> UInt32 {
        let crc = crc32c(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xa282_ead8
    }

    /// CRC-32C (Castagnoli), bit by bit over a byte table.
    static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0x82F6_3B78 : value >> 1 }
        return value
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}

/// A protocol buffer message being written, field by field.
struct Protobuf {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ field: Int, _ value: UInt64) {
        key(field, wireType: 0)
        append(varint: value)
    }

    mutating func double(_ field: Int, _ value: Double) {
        key(field, wireType: 1)
        bytes += withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }
    }

    mutating func float(_ field: Int, _ value: Float) {
        key(field, wireType: 5)
        bytes += withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, wireType: 2)
        append(varint: UInt64(value.count))
        bytes += value
    }

    private mutating func key(_ field: Int, wireType: UInt64) { append(varint: UInt64(field) << 3 | wireType) }

    private mutating func append(varint value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
