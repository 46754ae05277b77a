import Foundation
import Data

/// The folder a run writes: `results/<name>/seed-<seed>/` by default, never overwritten.
///
/// The folder is claimed with a single `mkdir`, which fails when it exists, so two runs started at
/// once never share one; the second takes `seed-0-2`, then `-3`, and so on. Files inside are written
/// to a temporary name and renamed into place.
public struct ResultDirectory: Sendable {
    public let url: URL

    /// Claims a new folder at `requested`, or beside it when taken; with `replace`, removes what is there.
    public static func create(at requested: String, replace: Bool) throws -> ResultDirectory {
        try claim(at: requested, replace: replace).folder
    }

    /// Claims a folder as `create` does and takes its lock in the same step, so that of two runs
    /// given one `--out` exactly one writes there. With `replace` the folder is `requested` or
    /// nothing: the old run is locked before it is checked and removed, and a folder another run
    /// holds, or claims first, is refused as busy rather than the run sent beside it (`-2`).
    public static func claim(at requested: String, replace: Bool) throws -> (folder: ResultDirectory, lock: FolderLock)
    {
        guard !requested.isEmpty else {
            // "" is the working folder, which exists, so the run would go beside it, to `<cwd>-2`.
            throw RunError("the output folder is empty (--out ''); give a folder such as results/run")
        }
        let base = absolute(requested)
        try checkLength(base.path)
        try makeFolders(base.deletingLastPathComponent().path)
        var info = stat()
        // Held until the new folder is claimed and locked, so no other run slips in between.
        var old: FolderLock?
        if replace, lstat(base.path, &info) == 0 {
            // Locked first: a run writing there holds the lock, and its half-written files are
            // no reason to call the folder anything but busy; so is a folder another --force has
            // just moved aside.
            if info.st_mode & S_IFMT == S_IFDIR { old = try FolderLock(base, goneIsBusy: true) }
            // --force replaces a run, never a file or a folder of the user's a mistyped --out points at.
            if let problem = RunFolderCheck.problem(base) {
                throw RunError("--force replaces only a run folder runexp wrote, and \(base.path) is not: \(problem)")
            }
            try RunReplacement.remove(base)
        }
        for attempt in 1...10_000 {
            let candidate = attempt == 1 ? base : URL(fileURLWithPath: base.path + "-\(attempt)")
            if mkdir(candidate.path, 0o755) == 0 {
                return try withExtendedLifetime(old) { (ResultDirectory(url: candidate), try FolderLock(candidate)) }
            }
            guard errno == EEXIST else {
                throw RunError("cannot create \(candidate.path): \(String(cString: strerror(errno)))")
            }
            // Another run made the folder since it was removed: it is that run's now.
            if replace { throw FolderLock.busy(base, "runexp run") }
        }
        throw RunError("cannot find a free folder name beside \(base.path)")
    }

    /// `path` made absolute from the working folder, with `.` and `..` resolved. (Foundation's
    /// `standardized` on a relative URL drops a leading `..` and turns `./a/../b` into `/b`, so
    /// `--out ../runs` wrote into `./runs`: the path is made absolute first.)
    static func absolute(_ path: String) -> URL {
        URL(fileURLWithPath: path).absoluteURL.standardized
    }

    /// Refuses a path the system cannot hold (over PATH_MAX bytes, or a part over NAME_MAX) before
    /// any folder of it is made, so a refusal leaves no empty folders behind.
    static func checkLength(_ path: String) throws {
        let longest = path.split(separator: "/").map(\.utf8.count).max() ?? 0
        let shown = path.utf8.count > 120 ? String(path.prefix(100)) + "…" : path
        // The run's own files add their names (`checkpoint/parameters.safetensors`) to the folder's.
        if path.utf8.count + 64 > Int(PATH_MAX) {
            throw RunError(
                "cannot create the output folder \(shown): the path is \(path.utf8.count) bytes long; "
                    + "with the run's file names it must stay under the system's limit of \(PATH_MAX)")
        }
        if longest > Int(NAME_MAX) {
            throw RunError(
                "cannot create the output folder \(shown): a part of the path is \(longest) bytes long, "
                    + "more than the system's limit of \(NAME_MAX)")
        }
    }

    /// Creates `path` and the folders above it, saying which part could not be made and why.
    static func makeFolders(_ path: String) throws {
        var prefix = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            if mkdir(prefix, 0o755) == 0 { continue }
            let code = errno
            var info = stat()
            if code == EEXIST, stat(prefix, &info) == 0 {
                if info.st_mode & S_IFMT == S_IFDIR { continue }
                throw RunError("cannot create the output folder \(path): \(prefix) is a file, not a folder")
            }
            throw RunError("cannot create the output folder \(path): \(prefix): \(String(cString: strerror(code)))")
        }
    }

    /// An existing run folder, for `--resume`: only one runexp wrote, which it may write into.
    public static func existing(_ path: String) throws -> ResultDirectory {
        let url = absolute(path)
        var info = stat()
        guard lstat(url.path, &info) == 0 else { throw RunError("\(path): no such run folder to resume") }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        if let problem = entries.isEmpty ? "it is empty" : RunFolderCheck.problem(url) {
            throw RunError("\(path) is not a run folder runexp wrote, so there is nothing to resume: \(problem)")
        }
        return ResultDirectory(url: url)
    }

    /// The path of `name` inside the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` to `name` (creating its subfolder) through a temporary file and a rename.
    public func write(_ name: String, _ text: String) throws {
        try write(name, Data(text.utf8))
    }

    /// Writes `data` to `name` through a temporary file and a rename: a reader, a crash or a full
    /// disk never leaves a partly written file under the final name (at most a `.name.tmp-<pid>`,
    /// removed when the write fails).
    public func write(_ name: String, _ data: Data) throws {
        try writeTogether([(name, { emit in try data.withUnsafeBytes(emit) })])
    }

    /// Writes several files as one (`AtomicFile.writeTogether`): only when all are whole are they
    /// renamed into place, so a full disk leaves the earlier set untouched. Each file's bytes come
    /// from its `write` in pieces, so none need be whole in memory.
    public func writeTogether(_ files: [(name: String, write: AtomicFile.ByteStream)]) throws {
        var targets: [(path: String, write: AtomicFile.ByteStream)] = []
        for (name, write) in files {
            let target = url.appendingPathComponent(name)
            do {
                try FileManager.default.createDirectory(
                    at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            } catch {
                throw RunError("cannot create the folder for \(target.path): \(error.localizedDescription)")
            }
            targets.append((target.path, write))
        }
        do {
            try AtomicFile.writeTogether(streams: targets)
        } catch let error as SourceError {
            throw RunError("cannot write \(error.source): \(error.problem)")
        }
    }

    /// Appends one line to `name` (the metrics log), creating it when missing. A line that cannot
    /// be written whole is taken back, so the log never ends in half a record.
    public func append(_ name: String, line: String) throws {
        do {
            try AtomicFile.append(Array((line + "\n").utf8), to: path(name))
        } catch let error as SourceError {
            throw RunError("cannot append to \(error.source): \(error.problem)")
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

/// How a run was started, as its `run.json` records it: what `runexp resume DIR` repeats.
public struct RunRecord: Sendable {
    /// The command line, the executable first.
    public var command: [String]
    /// The folder it was started in; nil for a run recorded before runexp wrote it.
    public var folder: String?
    /// `running`, `complete`, `failed: why`, `interrupted` or `pruned: why`.
    public var status: String?
    /// How long it ran, once it ended.
    public var seconds: Double?
    /// The epochs it trained (a pruned or early-stopped run's fewer than its spec's).
    public var epochsDone: Int?

    /// Reads `folder/run.json`.
    public static func read(_ folder: String) throws -> RunRecord {
        guard let facts = try? RunFiles.facts(URL(fileURLWithPath: folder)), case .array(let items)? = facts["command"]
        else { throw RunError("\(folder): no run.json with the command that started it; is it a run folder?") }
        let command = items.compactMap { item -> String? in if case .string(let s) = item { s } else { nil } }
        var record = RunRecord(command: command)
        if case .string(let cwd)? = facts["cwd"] { record.folder = cwd }
        if case .string(let status)? = facts["status"] { record.status = status }
        record.seconds = facts["seconds"]?.numberValue
        if case .integer(let epochs)? = facts["epochs_done"] { record.epochsDone = epochs }
        return record
    }
}
