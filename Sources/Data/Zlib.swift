import CZlib

/// zlib's inflate, deflate and CRC-32, with every failure reported as a `SourceError`.
enum Zlib {
    /// Deflate cannot compress better than about 1032 to 1, so a declared size beyond this bound
    /// is a lie; checking it first keeps a tiny crafted file from reserving gigabytes.
    static func maxInflatedSize(compressedCount: Int) -> Int {
        compressedCount.multipliedReportingOverflow(by: 1032).overflow ? Int.max : compressedCount * 1032 + 1024
    }

    /// The container around the deflate stream.
    enum Wrapping {
        /// A bare deflate stream, as inside a zip member.
        case raw
        /// One or more concatenated gzip members.
        case gzip

        var windowBits: Int32 { self == .raw ? -15 : 16 + 15 }
    }

    /// Inflates `input`; with `expectedSize` the output must be exactly that long, otherwise it may
    /// grow up to `limit` bytes (a bound against decompression bombs). Either way the size is known
    /// before the output is allocated: a declared size beyond what the input can inflate to, or
    /// beyond the memory this process has left, is refused first, and an undeclared size is
    /// measured by a first pass that keeps nothing.
    static func inflate(
        _ input: UnsafeRawBufferPointer, wrapping: Wrapping, expectedSize: Int?, limit: Int, source: String
    ) throws -> [UInt8] {
        guard !input.isEmpty else { throw SourceError(source, "compressed data is empty") }
        let available = AvailableMemory.bytes()
        let size: Int
        if let expectedSize {
            guard expectedSize <= maxInflatedSize(compressedCount: input.count) else {
                throw SourceError(
                    source, "declared size \(expectedSize) bytes is impossible for \(input.count) bytes of deflate data"
                )
            }
            guard expectedSize < available else {
                throw SourceError(
                    source,
                    "declares \(expectedSize) bytes inflated, more than the \(AvailableMemory.text(available)) "
                        + "of memory this process has left")
            }
            size = expectedSize
        } else {
            size = try measure(input, wrapping: wrapping, limit: limit, available: available, source: source)
        }
        // One spare byte past the expected size reveals a stream that inflates to more than declared.
        var output = [UInt8](repeating: 0, count: size + 1)
        let (produced, consumed) = try output.withUnsafeMutableBufferPointer { buffer in
            try run(input, wrapping: wrapping, source: source) { produced in
                guard let base = buffer.baseAddress, produced < buffer.count else { return nil }
                return (base + produced, buffer.count - produced)
            }
        }
        if produced != size {
            throw SourceError(
                source,
                "inflated size differs from the declared size: expected \(size) bytes, found \(produced)"
                    + (produced > size ? " or more" : ""))
        }
        if consumed < input.count {
            throw SourceError(source, "\(input.count - consumed) unexpected bytes after the end of the compressed data")
        }
        output.removeLast()
        return output
    }

    /// The inflated size of `input`, counted through a small buffer; refused past `limit` or the
    /// memory available.
    private static func measure(
        _ input: UnsafeRawBufferPointer, wrapping: Wrapping, limit: Int, available: Int, source: String
    ) throws -> Int {
        let cap = min(limit, available)
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
        defer { scratch.deallocate() }
        let (produced, _) = try run(input, wrapping: wrapping, source: source) { produced in
            produced <= cap ? (scratch, 1 << 16) : nil
        }
        guard produced <= cap else {
            throw SourceError(
                source,
                cap == limit
                    ? "inflated data exceeds the limit of \(limit) bytes"
                    : "inflates to more than the \(AvailableMemory.text(available)) of memory this process has left "
                        + "(\(input.count) bytes compressed)")
        }
        return produced
    }

    /// Runs inflate over `input`, writing where `room(produced)` says (nil: no more room, stop), and
    /// returns the bytes produced and consumed. Concatenated gzip members are inflated one after another.
    private static func run(
        _ input: UnsafeRawBufferPointer, wrapping: Wrapping, source: String,
        room: (Int) -> (UnsafeMutablePointer<UInt8>, Int)?
    ) throws -> (produced: Int, consumed: Int) {
        guard let inputBase = input.baseAddress else { return (0, 0) }
        var stream = z_stream()
        guard inflateInit2_(&stream, wrapping.windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { throw SourceError(source, "zlib could not start inflating") }
        defer { inflateEnd(&stream) }
        var produced = 0
        var consumed = 0
        while let (out, space) = room(produced) {
            let inChunk = min(input.count - consumed, Int(UInt32.max))
            let outChunk = min(space, Int(UInt32.max))
            stream.next_in = UnsafeMutablePointer(mutating: inputBase.assumingMemoryBound(to: Bytef.self) + consumed)
            stream.avail_in = uInt(inChunk)
            stream.next_out = out
            stream.avail_out = uInt(outChunk)
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            let used = inChunk - Int(stream.avail_in)
            let made = outChunk - Int(stream.avail_out)
            consumed += used
            produced += made
            if status == Z_STREAM_END {
                guard wrapping == .gzip, consumed < input.count, input[consumed] == 0x1F else { break }
                inflateReset(&stream)
                continue
            }
            if status == Z_DATA_ERROR || status == Z_NEED_DICT {
                let reason = stream.msg.map { String(cString: $0) } ?? "invalid deflate data"
                throw SourceError(source, "corrupt compressed data at input byte \(consumed): \(reason)")
            }
            if status == Z_MEM_ERROR { throw SourceError(source, "out of memory while inflating") }
            if used == 0 && made == 0 {
                throw SourceError(source, "compressed data is truncated after \(consumed) of \(input.count) bytes")
            }
        }
        return (produced, consumed)
    }

    /// Compresses `input` as a bare deflate stream (as zip members store it).
    static func deflateRaw(_ input: UnsafeRawBufferPointer, source: String) throws -> [UInt8] {
        var stream = z_stream()
        let initStatus = deflateInit2_(
            &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else { throw SourceError(source, "zlib could not start deflating") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        var consumed = 0
        var produced = 0
        var status = Z_OK
        while status != Z_STREAM_END {
            if produced == output.count { output += [UInt8](repeating: 0, count: output.count) }
            let inChunk = min(input.count - consumed, Int(UInt32.max))
            let outChunk = min(output.count - produced, Int(UInt32.max))
            stream.next_in = input.baseAddress.map {
                UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self) + consumed)
            }
            stream.avail_in = uInt(inChunk)
            status = output.withUnsafeMutableBufferPointer { out -> Int32 in
                stream.next_out = out.baseAddress.map { $0 + produced }
                stream.avail_out = uInt(outChunk)
                let flush = consumed + inChunk == input.count ? Z_FINISH : Z_NO_FLUSH
                return deflate(&stream, flush)
            }
            consumed += inChunk - Int(stream.avail_in)
            produced += outChunk - Int(stream.avail_out)
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw SourceError(source, "zlib failed while deflating (status \(status))")
            }
        }
        output.removeLast(output.count - produced)
        return output
    }

    /// The CRC-32 (as in zip and gzip) of `input`.
    static func crc32(_ input: UnsafeRawBufferPointer) -> UInt32 {
        var crc: uLong = CZlib.crc32(0, nil, 0)
        var offset = 0
        while offset < input.count, let base = input.baseAddress {
            let chunk = min(input.count - offset, 1 << 30)
            crc = CZlib.crc32(crc, base.assumingMemoryBound(to: Bytef.self) + offset, uInt(chunk))
            offset += chunk
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
