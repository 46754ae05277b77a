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
    /// grow up to `limit` bytes (a bound against decompression bombs).
    static func inflate(
        _ input: UnsafeRawBufferPointer, wrapping: Wrapping, expectedSize: Int?, limit: Int, source: String,
        capacityHint: Int? = nil
    ) throws -> [UInt8] {
        guard let inputBase = input.baseAddress, !input.isEmpty else {
            throw SourceError(source, "compressed data is empty")
        }
        var capacity = try initialCapacity(
            inputCount: input.count, expectedSize: expectedSize, limit: limit, hint: capacityHint, source: source)
        var stream = z_stream()
        guard inflateInit2_(&stream, wrapping.windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { throw SourceError(source, "zlib could not start inflating") }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: capacity)
        var produced = 0
        var consumed = 0
        while true {
            if produced == capacity {
                guard expectedSize == nil, capacity < limit else { break }
                capacity = min(capacity * 2, limit)
                output += [UInt8](repeating: 0, count: capacity - output.count)
            }
            let inChunk = min(input.count - consumed, Int(UInt32.max))
            let outChunk = min(capacity - produced, Int(UInt32.max))
            stream.next_in = UnsafeMutablePointer(mutating: inputBase.assumingMemoryBound(to: Bytef.self) + consumed)
            stream.avail_in = uInt(inChunk)
            let status = output.withUnsafeMutableBufferPointer { out -> Int32 in
                stream.next_out = out.baseAddress.map { $0 + produced }
                stream.avail_out = uInt(outChunk)
                return CZlib.inflate(&stream, Z_NO_FLUSH)
            }
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
            if used == 0 && made == 0 && produced < capacity {
                throw SourceError(source, "compressed data is truncated after \(consumed) of \(input.count) bytes")
            }
        }
        try checkEnd(
            produced: produced, consumed: consumed, inputCount: input.count, expectedSize: expectedSize,
            limit: limit, source: source)
        output.removeLast(output.count - produced)
        return output
    }

    private static func initialCapacity(
        inputCount: Int, expectedSize: Int?, limit: Int, hint: Int?, source: String
    ) throws -> Int {
        let bound = maxInflatedSize(compressedCount: inputCount)
        guard let expectedSize else { return min(max(hint ?? inputCount * 4, 1 << 16), limit, bound) }
        guard expectedSize <= bound else {
            throw SourceError(
                source, "declared size \(expectedSize) bytes is impossible for \(inputCount) bytes of deflate data")
        }
        // One spare byte past the expected size reveals a stream that inflates to more than declared.
        return expectedSize + 1
    }

    private static func checkEnd(
        produced: Int, consumed: Int, inputCount: Int, expectedSize: Int?, limit: Int, source: String
    ) throws {
        if let expectedSize, produced != expectedSize {
            throw SourceError(
                source,
                "inflated size differs from the declared size: expected \(expectedSize) bytes, found \(produced)"
                    + (produced > expectedSize ? " or more" : ""))
        }
        if expectedSize == nil && produced >= limit {
            throw SourceError(source, "inflated data exceeds the limit of \(limit) bytes")
        }
        if consumed < inputCount {
            throw SourceError(source, "\(inputCount - consumed) unexpected bytes after the end of the compressed data")
        }
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
