#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SafeTensors {
    /// Decodes a whole `.safetensors` file held in `raw`; every problem is a `DataError` naming `source`.
    static func decode(raw: UnsafeRawBufferPointer, source: String) throws -> Contents {
        let view = ByteView(bytes: raw, source: source)
        let headerLength = try view.u64(0, "header length")
        guard headerLength <= headerLimit else {
            throw DataError(source, "header length \(headerLength) is over the \(headerLimit)-byte limit")
        }
        guard headerLength <= raw.count - 8 else {
            throw DataError(
                source, "header length \(headerLength) runs past the end of the \(raw.count)-byte file")
        }
        let header = try view.slice(8, count: headerLength, "header")
        guard String(decoding: header, as: UTF8.self).utf8.elementsEqual(header) else {
            throw DataError(source, "header is not valid UTF-8")
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
                throw DataError(
                    source, "tensor \(entry.name) has data_offsets [\(entry.begin), \(entry.end)] that run backwards")
            }
            guard entry.end <= dataSize else {
                throw DataError(
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
                throw DataError(
                    source, "tensor \(entry.name) at bytes \(entry.begin)..<\(entry.end) overlaps tensor \(previous)")
            }
            guard entry.begin == covered else {
                throw DataError(
                    source,
                    "bytes \(covered)..<\(entry.begin) of the data section belong to no tensor (before \(entry.name))")
            }
            covered = entry.end
            previous = entry.name
        }
        guard covered == dataSize else {
            throw DataError(
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
                throw DataError(
                    what,
                    "dtype \(entry.dtype) is not supported; expected one of \(DType.allCases.map(formatName).joined(separator: ", "))"
                )
            }
            throw DataError(what, "unknown dtype \(entry.dtype)")
        }
        let expected = try NumericArray.byteCount(shape: entry.shape, dtype: dtype, source: what)
        let length = entry.end - entry.begin
        guard expected == length else {
            throw DataError(
                what,
                "shape \(entry.shape) of \(entry.dtype) needs \(expected) bytes but data_offsets [\(entry.begin), \(entry.end)] hold \(length)"
            )
        }
        var bytes = [UInt8](UnsafeRawBufferPointer(rebasing: data[entry.begin..<entry.end]))
        if dtype == .bool, let bad = bytes.firstIndex(where: { $0 > 1 }) {
            throw DataError(what, "bool element \(bad) is \(bytes[bad]), expected 0 or 1")
        }
        if ByteOrder.host != .little {
            bytes.withUnsafeMutableBytes { swapByteOrder($0, itemSize: dtype.itemSize) }
        }
        return NamedArray(entry.name, NumericArray(validatedShape: entry.shape, dtype: dtype, bytes: bytes))
    }

    /// Writes `bytes` to `.<name>.tmp-<pid>` beside `path`, flushes it, and renames it over `path`.
    static func writeFileReplacing(_ path: String, with bytes: [UInt8]) throws {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else { throw DataError(path, "cannot write the file: the path names a folder") }
        let temporary = "\(folder).\(name).tmp-\(getpid())"
        do {
            try writeAndSync(temporary, bytes)
            guard rename(temporary, path) == 0 else { throw systemError("cannot rename \(temporary) to it") }
        } catch let error as DataError {
            unlink(temporary)
            throw DataError(path, error.problem)
        }
        let folderHandle = open(folder.isEmpty ? "." : folder, O_RDONLY)
        if folderHandle >= 0 {
            _ = fsync(folderHandle)
            close(folderHandle)
        }
    }
}

/// Creates or truncates `path`, writes all of `bytes` and flushes them to disk.
private func writeAndSync(_ path: String, _ bytes: [UInt8]) throws {
    let handle = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard handle >= 0 else { throw systemError("cannot create \(path)") }
    defer { close(handle) }
    var written = 0
    while written < bytes.count {
        let result = bytes.withUnsafeBytes { raw in
            write(handle, raw.baseAddress.map { $0 + written }, raw.count - written)
        }
        if result < 0 && errno == EINTR { continue }
        guard result > 0 else { throw systemError("cannot write \(path)") }
        written += result
    }
    guard fsync(handle) == 0 else { throw systemError("cannot flush \(path)") }
}

private func systemError(_ what: String) -> DataError {
    DataError("", "\(what): \(String(cString: strerror(errno)))")
}
