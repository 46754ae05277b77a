/// Builds a zip archive in memory: members stored or deflated, fixed timestamps so the same
/// contents always give the same bytes.
struct ZipWriter {
    private(set) var output: [UInt8] = []
    private var directory: [UInt8] = []
    private var count = 0
    let source: String

    init(source: String) { self.source = source }

    /// Appends a member named `name` holding `contents`, deflated when `compress` is set.
    mutating func add(name: String, contents: [UInt8], compress: Bool) throws {
        let crc = contents.withUnsafeBytes { Zlib.crc32($0) }
        let data = compress ? try contents.withUnsafeBytes { try Zlib.deflateRaw($0, source: source) } : contents
        let offset = output.count
        guard data.count < 0xFFFF_FFFF, contents.count < 0xFFFF_FFFF, offset < 0xFFFF_FFFF, count < 0xFFFF else {
            throw SourceError(source, "member \(name) is too large for a zip archive without zip64")
        }
        let nameBytes = Array(name.utf8)
        let method = compress ? 8 : 0
        // Shared by the local header and the central directory: version, flags, method, time, date,
        // crc, sizes, name length, extra length.
        var common: [UInt8] = []
        append(&common, 20, width: 2)
        append(&common, 0, width: 2)
        append(&common, method, width: 2)
        append(&common, 0, width: 2)
        append(&common, 0x21, width: 2)
        append(&common, Int(crc), width: 4)
        append(&common, data.count, width: 4)
        append(&common, contents.count, width: 4)
        append(&common, nameBytes.count, width: 2)
        append(&common, 0, width: 2)
        append(&output, 0x0403_4B50, width: 4)
        output += common + nameBytes + data
        append(&directory, 0x0201_4B50, width: 4)
        append(&directory, 20, width: 2)
        directory += common
        append(&directory, 0, width: 6)  // comment length, disk, internal attributes
        append(&directory, 0, width: 4)  // external attributes
        append(&directory, offset, width: 4)
        directory += nameBytes
        count += 1
    }

    /// The finished archive: members, central directory and end record.
    func finished() -> [UInt8] {
        var result = output + directory
        append(&result, 0x0605_4B50, width: 4)
        append(&result, 0, width: 4)
        append(&result, count, width: 2)
        append(&result, count, width: 2)
        append(&result, directory.count, width: 4)
        append(&result, output.count, width: 4)
        append(&result, 0, width: 2)
        return result
    }

    private func append(_ bytes: inout [UInt8], _ value: Int, width: Int) {
        for shift in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * shift))) }
    }
}
