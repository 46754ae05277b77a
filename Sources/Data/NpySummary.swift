import Foundation

/// `data inspect`'s summary of a numeric `.npy` file, read a piece at a time, so that a file of any
/// size is summarized in about a MiB of memory: read whole, a 9.4 GB file took 18.4 GB, and a file
/// larger than `ulimit -v` allowed could not be inspected at all.
enum NpySummary {
    /// The bytes read at a time: a multiple of every item size.
    static let pieceBytes = 1 << 20

    /// The summary of the `.npy` file at `path`; nil when the file is not a numeric `.npy` (another
    /// format, or the assignment's pickled object array), which is read whole.
    static func read(path: String) throws -> ArraySummary? {
        try requireRegularFile(path)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SourceError(path, "cannot read the file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        let size = Int(info.st_size)
        let preamble = try bytes(descriptor, at: 0, count: min(size, 12), path: path)
        guard preamble.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) else { return nil }
        let extent = preamble.withUnsafeBytes { NpyHeader.textExtent($0) }
        let headerBytes = extent.map { min(size, $0.start + $0.length) } ?? preamble.count
        let header = try bytes(descriptor, at: 0, count: headerBytes, path: path).withUnsafeBytes {
            try NpyHeader.parse($0, source: path)
        }
        if header.descr == "|O" { return nil }
        let (dtype, order) = try header.numericType(source: path)
        let expected = try ArrayLayout.checkLength(
            size - header.dataOffset, shape: header.shape, dtype: dtype, source: path)
        var tally = ValueTally(countingClasses: ValueTally.mayBeLabels(shape: header.shape, dtype: dtype))
        var done = 0
        while done < expected {
            var piece = try bytes(
                descriptor, at: header.dataOffset + done, count: min(pieceBytes, expected - done), path: path)
            try ArrayLayout.checkBools(piece, dtype: dtype, from: done, source: path)
            if order != .host { piece.withUnsafeMutableBytes { swapByteOrder($0, itemSize: dtype.itemSize) } }
            done += piece.count
            // Fortran order changes which element is where, not the least, greatest, sum or classes.
            tally.add(NumericArray(validatedShape: [piece.count / dtype.itemSize], dtype: dtype, bytes: piece))
        }
        return ArraySummary(name: "array", shape: header.shape, dtype: dtype, tally: tally)
    }

    /// `count` bytes of the file at `offset`, however many reads they take.
    static func bytes(_ descriptor: Int32, at offset: Int, count: Int, path: String) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = result.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done))
            }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                let why =
                    got < 0 ? String(cString: strerror(errno)) : "the file ended early (did it change while read?)"
                throw SourceError(path, "cannot read the file: \(why)")
            }
            done += got
        }
        return result
    }
}
