import Foundation

/// Whether a folder is provably a run runexp wrote, and nothing else: the one rule `--force` (which
/// deletes it) and `--resume` (which writes into it) follow, so neither can touch a user's files.
///
/// A run folder holds a `run.json` that runexp wrote (a JSON object with its version, the spec's
/// digest and a status) and only runexp's own files: the spec, the resolved spec, the metrics, the
/// report, and images, plots, arrays, checkpoint and TensorBoard files in their folders (plus temporary files of
/// an interrupted write).
enum RunFolderCheck {
    /// The files a run writes at the top of its folder.
    static let topFiles: Set = [
        "spec.yaml", "resolved.yaml", "run.json", "metrics.jsonl", "metrics.json", "report.html",
    ]
    /// The folders a run writes, each with the extensions of the files it holds.
    static let subfolders: [String: Set<String>] = [
        "images": ["png"], "plots": ["png", "svg"], "arrays": ["npy"], "checkpoint": ["safetensors"],
        // `--tensorboard`'s event file, events.out.tfevents.runexp.
        "tensorboard": ["runexp"],
    ]

    /// Nil when `url` is a run folder runexp wrote (or an empty folder); else why it is not, naming
    /// what is there.
    static func problem(_ url: URL) -> String? {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return "it does not exist" }
        guard info.st_mode & S_IFMT == S_IFDIR else { return "it is \(kind(info.st_mode)), not a folder" }
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
        if entries.isEmpty { return nil }
        guard isRunexpRecord(url.appendingPathComponent("run.json")) else {
            return "it holds no run.json that runexp wrote (it holds \(listed(entries)))"
        }
        let foreign = entries.flatMap { foreignFiles(url, $0) }
        return foreign.isEmpty ? nil : "it holds files runexp did not write: \(listed(foreign))"
    }

    /// A run.json as runexp writes it.
    static func isRunexpRecord(_ file: URL) -> Bool {
        guard let text = try? String(contentsOf: file, encoding: .utf8),
            case .object(let facts)? = JSONReader.parse(text)
        else { return false }
        return ["runexp_version", "spec_digest", "status"].allSatisfy {
            if case .string? = facts[$0] { true } else { false }
        }
    }

    /// The entries below `name` that are not runexp's, as paths relative to the run folder.
    static func foreignFiles(_ folder: URL, _ name: String) -> [String] {
        if isTemporary(name) || topFiles.contains(name) && isPlainFile(folder.appendingPathComponent(name)) {
            return []
        }
        guard let extensions = subfolders[name] else { return [name] }
        let subfolder = folder.appendingPathComponent(name)
        guard let inside = try? FileManager.default.contentsOfDirectory(atPath: subfolder.path) else { return [name] }
        return inside.sorted().filter { file in
            let ok =
                isTemporary(file)
                || extensions.contains(URL(fileURLWithPath: file).pathExtension)
                    && isPlainFile(subfolder.appendingPathComponent(file))
            return !ok
        }.map { "\(name)/\($0)" }
    }

    /// `.name.tmp-<pid>`: a file an interrupted write left (see AtomicFile).
    static func isTemporary(_ name: String) -> Bool { name.hasPrefix(".") && name.contains(".tmp-") }

    static func isPlainFile(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: return "a file"
        case S_IFLNK: return "a symbolic link"
        case S_IFIFO: return "a named pipe"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        default: return "not a folder"
        }
    }

    /// The first few names, and how many more.
    static func listed(_ names: [String]) -> String {
        names.prefix(5).joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
    }
}
