import Data
import Foundation
import RunFolder

/// The folder of a study: `results/<name>/sweep-<n>/` with `study.yaml` (the matrix),
/// `study.json` (the request and each trial's status), one result folder per trial, their logs
/// under `logs/`, and the summary and report once trials are complete.
///
/// One command at a time works in a study folder: it holds the folder's lock (`FolderLock`) while
/// it runs, and a second `sweep` on the same folder refuses.
public final class StudyFolder: @unchecked Sendable {
    public let url: URL
    private let lock: FolderLock

    /// A new study folder for a spec called `name`: `out` when given, else the next free
    /// `results/<name>/sweep-<n>`.
    public static func create(name: String, out: String?) throws -> StudyFolder {
        if let out { return try StudyFolder(ResultDirectory.create(at: out, replace: false).url) }
        let parent = URL(fileURLWithPath: "results").appendingPathComponent(name)
        let taken = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        let numbers = taken.compactMap { $0.hasPrefix("sweep-") ? Int($0.dropFirst(6)) : nil }
        let next = (numbers.max() ?? 0) + 1
        return try StudyFolder(
            ResultDirectory.create(at: parent.appendingPathComponent("sweep-\(next)").path, replace: false).url)
    }

    /// An existing study folder, for `--resume`.
    public static func existing(_ path: String) throws -> StudyFolder {
        let url = URL(fileURLWithPath: path).absoluteURL.standardized
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("study.json").path) else {
            throw StudyError("\(path) is not a study folder: it has no study.json")
        }
        return try StudyFolder(url)
    }

    private init(_ url: URL) throws {
        self.url = url
        lock = try FolderLock(url, what: "runexp sweep")
    }

    /// Why the entry at `url`, a trial's folder in a study folder, is not a trial the study ran
    /// there: a link (to a run elsewhere, which the study never ran), or not a folder; nil for a
    /// folder of its own. A summary leaves such a trial out rather than trust its run.json.
    public static func foreignTrial(_ url: URL) -> String? {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return nil
        case S_IFLNK:
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) ?? "?"
            return "\(url.path) is a link to \(target), not a trial the study ran; left out"
        default: return "\(url.path) is not a folder, so not a trial the study ran; left out"
        }
    }

    /// The result folder of `trial`.
    public func trialFolder(_ trial: Trial) -> URL { Self.trialFolder(trial, in: url) }

    /// The result folder of `trial` in the study folder at `url`.
    public static func trialFolder(_ trial: Trial, in url: URL) -> URL { url.appendingPathComponent(trial.folderName) }

    /// `logs/<trial>.log`, opened for appending (a resumed trial adds to its earlier output).
    func logHandle(_ trial: Trial) throws -> FileHandle {
        let logs = url.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let path = logs.appendingPathComponent("\(trial.folderName).log").path
        // A failed creation shows as the handle that cannot be opened next.
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw StudyError("cannot write \(path)") }
        handle.seekToEndOfFile()
        return handle
    }

    /// Writes `name` whole (through a temporary file and a rename).
    public func write(_ name: String, _ text: String) throws {
        try AtomicFile.write(text: text, to: url.appendingPathComponent(name).path)
    }

    /// Writes `name` (creating its folder) whole.
    func writeData(_ name: String, _ bytes: [UInt8]) throws {
        let target = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(data: bytes, to: target.path)
    }
}
