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
        let temporary = temporaryPath(for: path)
        do {
            try writeAndSync(data, to: temporary)
            guard rename(temporary, path) == 0 else { throw systemError(path, "cannot rename into place") }
        } catch {
            unlink(temporary)
            throw error
        }
        syncFolder(of: path)
    }

    /// Writes `text` as UTF-8 to `path`, replacing any existing file atomically.
    public static func write(text: String, to path: String) throws {
        try write(data: Array(text.utf8), to: path)
    }

    /// The hidden temporary name beside `path`: same folder, so the final rename stays atomic.
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).tmp-\(getpid())"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    private static func writeAndSync(_ data: some DataProtocol, to temporary: String) throws {
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw systemError(temporary, "cannot create") }
        defer { close(descriptor) }
        for region in data.regions {
            try region.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count {
                    let written = systemWrite(descriptor, base + offset, buffer.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { throw systemError(temporary, "cannot write") }
                    offset += written
                }
            }
        }
        guard fsync(descriptor) == 0 else { throw systemError(temporary, "cannot flush to disk") }
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

    private static func systemError(_ path: String, _ action: String) -> ReportError {
        ReportError(path, "\(action): \(String(cString: strerror(errno)))")
    }
}
