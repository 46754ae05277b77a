import Foundation

/// An exclusive advisory lock on a folder (flock on the folder itself, so no file is added), held
/// as long as this object lives: one run writes in a run folder at a time, and `--force` or
/// `--resume` on a folder a run is writing in refuses instead of mixing two runs' files.
public final class FolderLock: @unchecked Sendable {
    private let descriptor: Int32

    /// Takes the lock on `folder`, or throws naming the folder when another process holds it.
    public init(_ folder: URL, what: String = "runexp run") throws {
        descriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw RunError("cannot open \(folder.path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw RunError("another \(what) is writing in \(folder.path); wait for it to end, or choose another --out")
        }
    }

    /// Whether some process holds the lock on `folder` now (false when it cannot be opened).
    public static func isHeld(_ folder: URL) -> Bool {
        let descriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return true }
        flock(descriptor, LOCK_UN)
        return false
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
