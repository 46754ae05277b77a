import Foundation

/// The folder a run writes: `results/<name>/seed-<seed>/` by default, never overwritten.
///
/// The folder is claimed with a single `mkdir`, which fails when it exists, so two runs started at
/// once never share one; the second takes `seed-0-2`, then `-3`, and so on. Files inside are written
/// to a temporary name and renamed into place.
public struct ResultDirectory: Sendable {
    public let url: URL

    /// Claims a new folder at `requested`, or beside it when taken; with `replace`, removes what is there.
    public static func create(at requested: String, replace: Bool) throws -> ResultDirectory {
        let manager = FileManager.default
        let base = URL(fileURLWithPath: requested).standardized
        try manager.createDirectory(at: base.deletingLastPathComponent(), withIntermediateDirectories: true)
        if replace, manager.fileExists(atPath: base.path) {
            // --force replaces a run, never an arbitrary folder a mistyped --out points at.
            let contents = (try? manager.contentsOfDirectory(atPath: base.path)) ?? []
            guard contents.isEmpty || contents.contains("run.json") else {
                throw RunError(
                    "\(base.path) exists and is not a runexp result directory (no run.json); --force only replaces runs"
                )
            }
            try manager.removeItem(at: base)
        }
        for attempt in 1...10_000 {
            let candidate = attempt == 1 ? base : URL(fileURLWithPath: base.path + "-\(attempt)")
            if mkdir(candidate.path, 0o755) == 0 { return ResultDirectory(url: candidate) }
            guard errno == EEXIST else {
                throw RunError("cannot create \(candidate.path): \(String(cString: strerror(errno)))")
            }
        }
        throw RunError("cannot find a free folder name beside \(base.path)")
    }

    /// An existing run folder, for `--resume`.
    public static func existing(_ path: String) throws -> ResultDirectory {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunError("\(path): no such run folder to resume")
        }
        return ResultDirectory(url: URL(fileURLWithPath: path).standardized)
    }

    /// The path of `name` inside the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` to `name` (creating its subfolder) through a temporary file and a rename.
    public func write(_ name: String, _ text: String) throws {
        try write(name, Data(text.utf8))
    }

    /// Writes `data` to `name` through a temporary file and a rename.
    public func write(_ name: String, _ data: Data) throws {
        let target = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).tmp-\(getpid())")
        do {
            try data.write(to: temporary)
            guard rename(temporary.path, target.path) == 0 else {
                throw RunError("cannot rename into \(target.path): \(String(cString: strerror(errno)))")
            }
        } catch let error as RunError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw RunError("cannot write \(target.path): \(error.localizedDescription)")
        }
    }

    /// Appends one line to `name` (the metrics log), creating it when missing.
    public func append(_ name: String, line: String) throws {
        let target = path(name)
        if !FileManager.default.fileExists(atPath: target) {
            guard FileManager.default.createFile(atPath: target, contents: nil) else {
                throw RunError("cannot create \(target)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: target) else { throw RunError("cannot open \(target)") }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((line + "\n").utf8))
        } catch {
            throw RunError("cannot append to \(target): \(error.localizedDescription)")
        }
    }
}

/// A problem that ends a run, said in the user's terms.
public struct RunError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
