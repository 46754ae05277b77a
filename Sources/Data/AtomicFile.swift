import Foundation

#if canImport(Glibc)
    import Glibc
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    import Darwin
    private let systemWrite = Darwin.write
#endif

/// Writing files so that no reader ever sees a half-written one.
///
/// The bytes go to `.name.tmp-<pid>` in the destination's own folder (a rename is only atomic
/// within one file system), are flushed to disk, and the temporary file is then renamed over the
/// destination. A crash leaves either the old file or the new one, plus at most a dot-file.
public enum AtomicFile {
    /// Writes `data` to `path`, replacing any existing file atomically.
    public static func write(data: some DataProtocol, to path: String) throws {
        try writeTogether([(Data(data), path)])
    }

    /// Writes `text` as UTF-8 to `path`, replacing any existing file atomically.
    public static func write(text: String, to path: String) throws {
        try write(data: Array(text.utf8), to: path)
    }

    /// Writes several files as one: each goes whole to its temporary name first, and only when all
    /// are whole are they renamed into place, so a failure (a full disk) leaves the earlier set of
    /// files untouched and no temporary file behind.
    public static func writeTogether(_ files: [(data: Data, path: String)]) throws {
        try writeTogether(
            streams: files.map { file in
                (
                    file.path,
                    { emit in
                        for region in file.data.regions { try region.withUnsafeBytes(emit) }
                    }
                )
            })
    }

    /// Hands a streamed file's bytes, piece by piece, to the file.
    public typealias ByteStream = (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void

    /// Writes several files as one, as `writeTogether(_:)` does, each `write` handing its file's bytes
    /// in pieces, so that no file need be whole in memory. What `write` throws ends the writing as a
    /// full disk would: no file is replaced and no temporary file is left.
    public static func writeTogether(streams files: [(path: String, write: ByteStream)]) throws {
        for file in files { try checkDestination(file.path) }
        var temporaries: [String] = []
        do {
            for file in files {
                let temporary = temporaryPath(for: file.path)
                temporaries.append(temporary)
                try writeAndSync(file.write, to: temporary, naming: file.path)
            }
            for (file, temporary) in zip(files, temporaries) where rename(temporary, file.path) != 0 {
                throw systemError(file.path, "cannot rename into place")
            }
        } catch {
            for temporary in temporaries { unlink(temporary) }
            throw error
        }
        for file in files { syncFolder(of: file.path) }
    }

    /// Throws unless `path` is free or a regular file (or a link, which the rename replaces): a
    /// named pipe, a device, a socket or a folder given as an output is refused, never replaced by
    /// a regular file. Commands call it before their work, so the refusal comes first.
    public static func checkDestination(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFLNK: return
        case S_IFDIR: kind = "a folder"
        case S_IFIFO: kind = "a named pipe (FIFO)"
        case S_IFCHR, S_IFBLK: kind = "a device"
        default: kind = "a socket"
        }
        throw SourceError(
            path, "is \(kind), not a regular file; runexp writes its output to a new or regular file only")
    }

    /// Appends `bytes` to `path` (creating it) all or nothing: bytes that cannot all be written are
    /// taken back, so a log never ends in half a record.
    public static func append(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw systemError(path, "cannot open it") }
        defer { close(descriptor) }
        let length = lseek(descriptor, 0, SEEK_END)
        let failure = bytes.withUnsafeBytes { writeAll($0, to: descriptor) }
        if let failure {
            let code = errno
            if length >= 0 { ftruncate(descriptor, length) }
            throw systemError(path, failure, code: code)
        }
    }

    /// The hidden temporary name beside `path`: same folder, so the final rename stays atomic.
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).tmp-\(getpid())"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Writes what `write` hands to the new file `temporary` and flushes it; errors name `path`,
    /// the file the caller asked for.
    private static func writeAndSync(_ write: ByteStream, to temporary: String, naming path: String) throws {
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw systemError(path, "cannot create it") }
        defer { close(descriptor) }
        try write { piece in
            if let failure = writeAll(piece, to: descriptor) { throw systemError(path, failure) }
        }
        guard fsync(descriptor) == 0 else { throw systemError(path, "cannot flush it to disk") }
    }

    /// Writes every byte of `buffer` (retrying short and interrupted writes); what failed, or nil.
    private static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> String? {
        writeEveryByte(buffer, to: descriptor) ? nil : "the disk refused the write"
    }

    /// Writes every byte of `buffer` to `descriptor` with `write(2)` alone, retrying short and
    /// interrupted writes; whether all went. It calls nothing but the system, so a signal handler
    /// may use it, and a reader that went away makes it return false rather than trap.
    public static func writeEveryByte(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        var offset = 0
        while offset < buffer.count {
            let written = systemWrite(descriptor, base + offset, buffer.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Flushes the folder entry so the rename itself survives a power cut; a failure here is not
    /// reported because the file is already whole and in place.
    private static func syncFolder(of path: String) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// `path: action (the system's reason)`.
    private static func systemError(_ path: String, _ action: String, code: Int32 = errno) -> SourceError {
        SourceError(path, "\(action) (\(String(cString: strerror(code))))")
    }
}
