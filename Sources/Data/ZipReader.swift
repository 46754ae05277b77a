/// One member of a zip archive, as its central directory describes it.
struct ZipEntry {
    let name: String
    let method: Int
    let crc: UInt32
    let compressedSize: Int
    let size: Int
    let localHeaderOffset: Int
}

/// Reads the central directory of a zip archive (zip64 included) and extracts members, checking
/// sizes and CRC-32s so that a damaged archive is refused rather than half-read.
struct ZipReader {
    let view: ByteView

    init(_ bytes: UnsafeRawBufferPointer, source: String) {
        view = ByteView(bytes: bytes, source: source)
    }

    /// The members listed in the central directory, in order.
    func entries() throws -> [ZipEntry] {
        let (count, directoryOffset, directorySize) = try directoryLocation()
        guard directoryOffset <= view.count, directorySize <= view.count - directoryOffset else {
            throw SourceError(view.source, "zip central directory lies outside the file")
        }
        var entries: [ZipEntry] = []
        var offset = directoryOffset
        for _ in 0..<count {
            let (entry, next) = try centralEntry(at: offset)
            entries.append(entry)
            offset = next
        }
        return entries
    }

    private func directoryLocation() throws -> (count: Int, offset: Int, size: Int) {
        let lowest = max(0, view.count - 22 - 0xFFFF)
        var end = view.count - 22
        while end >= lowest, try view.u32(end, "end of central directory") != 0x0605_4B50 { end -= 1 }
        guard end >= lowest else {
            throw SourceError(view.source, "not a zip archive: no end-of-central-directory record found")
        }
        var count = try view.u16(end + 10, "zip entry count")
        var size = try view.u32(end + 12, "zip directory size")
        var offset = try view.u32(end + 16, "zip directory offset")
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            guard end >= 20, try view.u32(end - 20, "zip64 locator") == 0x0706_4B50 else {
                throw SourceError(view.source, "zip64 archive without a zip64 end-of-directory locator")
            }
            let record = try view.u64(end - 12, "zip64 record offset")
            guard try view.u32(record, "zip64 end of directory") == 0x0606_4B50 else {
                throw SourceError(view.source, "zip64 end-of-directory record missing at offset \(record)")
            }
            count = try view.u64(record + 32, "zip64 entry count")
            size = try view.u64(record + 40, "zip64 directory size")
            offset = try view.u64(record + 48, "zip64 directory offset")
        }
        guard count <= view.count / 46 else {
            throw SourceError(view.source, "zip directory claims \(count) entries, more than the file can hold")
        }
        return (count, offset, size)
    }

    private func centralEntry(at offset: Int) throws -> (ZipEntry, next: Int) {
        guard try view.u32(offset, "zip directory entry") == 0x0201_4B50 else {
            throw SourceError(view.source, "zip directory entry at offset \(offset) has a bad signature")
        }
        let flags = try view.u16(offset + 8, "zip flags")
        let nameLength = try view.u16(offset + 28, "zip name length")
        let extraLength = try view.u16(offset + 30, "zip extra length")
        let commentLength = try view.u16(offset + 32, "zip comment length")
        let name = String(decoding: try view.slice(offset + 46, count: nameLength, "zip member name"), as: UTF8.self)
        guard flags & 1 == 0 else { throw SourceError(view.source, "zip member \(name) is encrypted") }
        var size = try view.u32(offset + 24, "zip size")
        var compressed = try view.u32(offset + 20, "zip compressed size")
        var local = try view.u32(offset + 42, "zip local header offset")
        let extra = try view.slice(offset + 46 + nameLength, count: extraLength, "zip extra field")
        try applyZip64(extra, size: &size, compressed: &compressed, local: &local)
        let entry = ZipEntry(
            name: name, method: try view.u16(offset + 10, "zip method"),
            crc: UInt32(try view.u32(offset + 16, "zip crc")), compressedSize: compressed, size: size,
            localHeaderOffset: local)
        return (entry, offset + 46 + nameLength + extraLength + commentLength)
    }

    private func applyZip64(
        _ extra: UnsafeRawBufferPointer, size: inout Int, compressed: inout Int, local: inout Int
    ) throws {
        let fields = ByteView(bytes: extra, source: view.source)
        var position = 0
        while position + 4 <= fields.count {
            let id = try fields.u16(position, "zip extra id")
            let length = try fields.u16(position + 2, "zip extra length")
            if id == 0x0001 {
                // Zip64 values appear only for the fields whose 32-bit slot is saturated, in this order.
                var cursor = position + 4
                if size == 0xFFFF_FFFF {
                    size = try fields.u64(cursor, "zip64 size")
                    cursor += 8
                }
                if compressed == 0xFFFF_FFFF {
                    compressed = try fields.u64(cursor, "zip64 compressed size")
                    cursor += 8
                }
                if local == 0xFFFF_FFFF { local = try fields.u64(cursor, "zip64 local header offset") }
            }
            position += 4 + length
        }
    }

    /// The uncompressed bytes of `entry`, with its size and CRC-32 checked.
    func contents(of entry: ZipEntry, limit: Int) throws -> [UInt8] {
        let member = "\(view.source)[\(entry.name)]"
        let data = try storedData(of: entry)
        let bytes: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else {
                throw SourceError(member, "stored member sizes differ: \(entry.compressedSize) vs \(entry.size)")
            }
            bytes = [UInt8](data)
        case 8:
            guard entry.size <= limit else {
                throw SourceError(member, "member declares \(entry.size) bytes, more than the limit \(limit)")
            }
            bytes = try Zlib.inflate(data, wrapping: .raw, expectedSize: entry.size, limit: limit, source: member)
        default:
            throw SourceError(
                member, "unsupported zip compression method \(entry.method); expected 0 (stored) or 8 (deflate)")
        }
        let crc = bytes.withUnsafeBytes { Zlib.crc32($0) }
        guard crc == entry.crc else {
            throw SourceError(
                member, "CRC-32 mismatch: directory says \(hex(entry.crc)), contents give \(hex(crc))")
        }
        return bytes
    }

    private func storedData(of entry: ZipEntry) throws -> UnsafeRawBufferPointer {
        let offset = entry.localHeaderOffset
        guard try view.u32(offset, "zip local header") == 0x0403_4B50 else {
            throw SourceError(view.source, "zip member \(entry.name): no local header at offset \(offset)")
        }
        let nameLength = try view.u16(offset + 26, "zip local name length")
        let extraLength = try view.u16(offset + 28, "zip local extra length")
        return try view.slice(
            offset + 30 + nameLength + extraLength, count: entry.compressedSize, "zip member \(entry.name)")
    }
}

func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
