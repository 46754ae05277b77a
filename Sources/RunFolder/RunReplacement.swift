import Data
import Foundation

/// `--force`'s removal of the old run, which must lose nothing when it cannot finish.
///
/// Before anything is touched, every entry of the old run is checked for what would stop its
/// deletion halfway (an immutable or append-only file or folder, a folder that is not writable, a
/// file system mounted inside it); any of these refuses the replacement naming the entry, with the
/// old run whole in its place. Only then is the folder moved aside in one rename and deleted, entry
/// by entry, each failure naming its path; if a deletion still fails, what is left is moved back.
enum RunReplacement {
    /// Removes the run folder `base` (already known to hold only runexp's files), or throws with
    /// `base` untouched.
    static func remove(_ base: URL) throws {
        if let problem = obstacle(base) {
            throw RunError("--force cannot replace \(base.path), so it is left as it is: \(problem)")
        }
        let aside = base.deletingLastPathComponent().appendingPathComponent(
            ".\(base.lastPathComponent).replaced-\(getpid())")
        guard rename(base.path, aside.path) == 0 else {
            throw RunError(
                "--force cannot replace \(base.path): cannot move it aside (\(String(cString: strerror(errno))))")
        }
        do {
            try delete(aside.path)
        } catch let failure as RunError {
            let back = rename(aside.path, base.path) == 0
            throw RunError(
                "--force could not delete the old run in \(base.path): \(failure.description); "
                    + (back ? "what was left of it is back in place" : "what is left of it is in \(aside.path)"))
        }
    }

    /// Why some entry below `folder` could not be deleted, or nil when all can.
    static func obstacle(_ folder: URL) -> String? {
        if let mount = MountTable.mounts().map(\.point).first(where: {
            $0 == folder.path || $0.hasPrefix(folder.path + "/")
        }) {
            return "\(mount) is a mount point"
        }
        var pending = [folder.path]
        while let path = pending.popLast() {
            var info = stat()
            guard lstat(path, &info) == 0 else { return "cannot examine \(path) (\(String(cString: strerror(errno))))" }
            let isFolder = info.st_mode & S_IFMT == S_IFDIR
            if let flag = protectingFlag(path, isFolder: isFolder) {
                return "\(path) is \(flag) (`lsattr` shows it; `chattr -i -a` clears it), so it cannot be deleted"
            }
            guard isFolder else { continue }
            if access(path, W_OK | X_OK) != 0 {
                return
                    "the folder \(path) is not writable (\(String(cString: strerror(errno)))), so its files cannot be deleted"
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            pending += names.map { path + "/" + $0 }
        }
        return nil
    }

    /// "immutable" or "append-only" when the file system's attribute protects `path` from deletion.
    static func protectingFlag(_ path: String, isFolder: Bool) -> String? {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | (isFolder ? O_DIRECTORY : 0))
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var flags: Int = 0
        // FS_IOC_GETFLAGS; file systems without attributes refuse it, and then nothing protects the file.
        guard ioctl(descriptor, 0x8008_6601, &flags) == 0 else { return nil }
        if flags & 0x10 != 0 { return "immutable" }
        if flags & 0x20 != 0 { return "append-only" }
        return nil
    }

    /// Deletes `path` and everything below it, never following a link; throws naming the entry
    /// that could not be deleted.
    static func delete(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw RunError("\(path): \(String(cString: strerror(errno)))") }
        if info.st_mode & S_IFMT == S_IFDIR {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                try delete(path + "/" + name)
            }
            guard rmdir(path) == 0 else { throw RunError("cannot delete \(path): \(String(cString: strerror(errno)))") }
        } else {
            guard unlink(path) == 0 else {
                throw RunError("cannot delete \(path): \(String(cString: strerror(errno)))")
            }
        }
    }
}
