import Foundation

/// An exclusive advisory lock on a folder (flock on the folder itself, so no file is added), held
/// as long as this object lives: one run writes in a run folder at a time, and `--force` or
/// `--resume` on a folder a run is writing in refuses instead of mixing two runs' files.
public final class FolderLock: @unchecked Sendable {
    private let descriptor: Int32

    /// Takes the lock on `folder`, or throws saying the folder is busy when another process holds
    /// it, or when the folder was replaced while the lock was being taken (a `--force` moved it
    /// aside): a lock on a folder no longer at `folder` would guard nothing. With `goneIsBusy`, a
    /// folder that has vanished since the caller saw it is busy too: another `--force` moved it
    /// aside to replace it.
    public init(_ folder: URL, what: String = "runexp run", goneIsBusy: Bool = false) throws {
        descriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if goneIsBusy, errno == ENOENT { throw Self.busy(folder, what) }
            throw RunError("cannot open \(folder.path): \(String(cString: strerror(errno)))")
        }
        var held = stat(), there = stat()
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0, fstat(descriptor, &held) == 0,
            stat(folder.path, &there) == 0, held.st_dev == there.st_dev, held.st_ino == there.st_ino
        else {
            close(descriptor)
            throw Self.busy(folder, what)
        }
    }

    /// The refusal for a folder another process holds.
    static func busy(_ folder: URL, _ what: String) -> RunError {
        RunError(
            "\(folder.path) is busy: another \(what) holds its lock and is writing in it; "
                + "wait for it to end, or choose another --out")
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
