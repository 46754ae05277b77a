#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SafeTensors {
    /// Decodes a whole `.safetensors` file held in `raw`; every problem is a `SourceError` naming `source`.
    static func decode(raw: UnsafeRawBufferPointer, source: String) throws -> Contents {
        let view = ByteView(bytes: raw, source: source)
        let headerLength = try view.u64(0, "header length")
        guard headerLength <= headerLimit else {
            throw SourceError(source, "header length \(headerLength) is over the \(headerLimit)-byte limit")
        }
        guard headerLength <= raw.count - 8 else {
            throw SourceError(
                source, "header length \(headerLength) runs past the end of the \(raw.count)-byte file")
        }
        let header = try view.slice(8, count: headerLength, "header")
        guard String(decoding: header, as: UTF8.self).utf8.elementsEqual(header) else {
            throw SourceError(source, "header is not valid UTF-8")
        }
        var parser = SafeTensorsHeaderParser(header, source: source)
        let (entries, metadata) = try parser.parse()
        let data = UnsafeRawBufferPointer(rebasing: raw[(8 + headerLength)...])
        let laidOut = try checkLayout(entries, dataSize: data.count, source: source)
        let tensors = try laidOut.map { try tensor($0, data: data, source: source) }
        return Contents(tensors: tensors, metadata: metadata)
    }

    /// `entries` in the order of their bytes, after checking that they tile the data section exactly.
    static func checkLayout(
        _ entries: [SafeTensorsEntry], dataSize: Int, source: String
    ) throws -> [SafeTensorsEntry] {
        for entry in entries {
            guard entry.begin <= entry.end else {
                throw SourceError(
                    source, "tensor \(entry.name) has data_offsets [\(entry.begin), \(entry.end)] that run backwards")
            }
            guard entry.end <= dataSize else {
                throw SourceError(
                    source,
                    "tensor \(entry.name) has data_offsets [\(entry.begin), \(entry.end)] past the end of the \(dataSize)-byte data section"
                )
            }
        }
        let ordered = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var covered = 0
        var previous: String? = nil
        for entry in ordered {
            if entry.begin < covered, let previous {
                throw SourceError(
                    source, "tensor \(entry.name) at bytes \(entry.begin)..<\(entry.end) overlaps tensor \(previous)")
            }
            guard entry.begin == covered else {
                throw SourceError(
                    source,
                    "bytes \(covered)..<\(entry.begin) of the data section belong to no tensor (before \(entry.name))")
            }
            covered = entry.end
            previous = entry.name
        }
        guard covered == dataSize else {
            throw SourceError(
                source,
                "the tensors cover \(covered) bytes but the data section is \(dataSize) bytes; \(dataSize - covered) trailing bytes belong to no tensor"
            )
        }
        return ordered
    }

    /// The array `entry` describes, copied out of `data` and checked against its dtype and shape.
    static func tensor(_ entry: SafeTensorsEntry, data: UnsafeRawBufferPointer, source: String) throws -> NamedArray {
        let what = "\(source)[\(entry.name)]"
        guard let dtype = DType.allCases.first(where: { formatName($0) == entry.dtype }) else {
            if unsupportedNames.contains(entry.dtype) {
                throw SourceError(
                    what,
                    "dtype \(entry.dtype) is not supported; expected one of \(DType.allCases.map(formatName).joined(separator: ", "))"
                )
            }
            throw SourceError(what, "unknown dtype \(entry.dtype)")
        }
        let expected = try NumericArray.byteCount(shape: entry.shape, dtype: dtype, source: what)
        let length = entry.end - entry.begin
        guard expected == length else {
            throw SourceError(
                what,
                "shape \(entry.shape) of \(entry.dtype) needs \(expected) bytes but data_offsets [\(entry.begin), \(entry.end)] hold \(length)"
            )
        }
        var bytes = [UInt8](UnsafeRawBufferPointer(rebasing: data[entry.begin..<entry.end]))
        if dtype == .bool, let bad = bytes.firstIndex(where: { $0 > 1 }) {
            throw SourceError(what, "bool element \(bad) is \(bytes[bad]), expected 0 or 1")
        }
        if ByteOrder.host != .little {
            bytes.withUnsafeMutableBytes { swapByteOrder($0, itemSize: dtype.itemSize) }
        }
        return NamedArray(entry.name, NumericArray(validatedShape: entry.shape, dtype: dtype, bytes: bytes))
    }
}
