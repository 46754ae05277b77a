import Foundation

/// The contents of the regular file at `path`, memory-mapped where the platform allows.
///
/// A folder, a named pipe or a device is refused before anything is opened, so a spec that names
/// one gets a clear message instead of a hang (a FIFO with no writer blocks forever) or Foundation's
/// generic "operation could not be completed".
func readFile(_ path: String) throws -> Data {
    try requireRegularFile(path)
    do {
        return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    } catch {
        // Foundation says only "The operation could not be completed"; the system's reason is clearer.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        let code = descriptor < 0 ? errno : EIO
        if descriptor >= 0 { close(descriptor) }
        // A file that opens but cannot be mapped or read into memory is, where it is larger than
        // what this process may still allocate, out of memory, not an I/O error.
        var info = stat()
        let available = AvailableMemory.bytes()
        if descriptor >= 0, stat(path, &info) == 0, Int(info.st_size) > available {
            throw SourceError(
                path,
                "out of memory: cannot read the file's \(AvailableMemory.text(Int(info.st_size))) into the "
                    + "\(AvailableMemory.text(available)) this process has left under its limits (ulimit -v, "
                    + "the control group, the machine's free memory)")
        }
        throw SourceError(path, "cannot read the file: \(String(cString: strerror(code)))")
    }
}

/// Throws a `SourceError` unless `path` names an existing regular file (after following links).
func requireRegularFile(_ path: String) throws {
    var info = stat()
    guard stat(path, &info) == 0 else { throw SourceError(path, fileProblem(errno)) }
    switch info.st_mode & S_IFMT {
    case S_IFREG:
        if let system = MountTable.fileSystemType(of: path), MountTable.kernelTypes.contains(system) {
            // Their files say size 0 or 4096 whatever they hold, and some never end (/proc/self/pagemap).
            throw SourceError(path, "is a file of the kernel's \(system) file system, not a data file")
        }
    case S_IFDIR: throw SourceError(path, "is a folder, not a file")
    case S_IFIFO: throw SourceError(path, "is a named pipe (FIFO), not a regular file")
    default: throw SourceError(path, "is a device or socket, not a regular file")
    }
}

/// The names in the folder at `directory`, refusing anything that is not a folder with a clear message.
func folderEntries(_ directory: String) throws -> [String] {
    var info = stat()
    guard stat(directory, &info) == 0 else { throw SourceError(directory, fileProblem(errno)) }
    guard info.st_mode & S_IFMT == S_IFDIR else { throw SourceError(directory, "is a file, not a folder") }
    do {
        return try FileManager.default.contentsOfDirectory(atPath: directory)
    } catch {
        throw SourceError(directory, "cannot list the folder: \(error.localizedDescription)")
    }
}

/// What `errno` from `stat` means for a path a user gave.
func fileProblem(_ code: Int32) -> String {
    switch code {
    case ENOENT: return "no such file or folder"
    case ENOTDIR: return "a part of the path is a file, not a folder"
    case EACCES: return "permission denied"
    case ELOOP: return "too many symbolic links"
    case ENAMETOOLONG: return "the path is too long"
    default: return "cannot read: \(String(cString: strerror(code)))"
    }
}
