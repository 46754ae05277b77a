import Foundation
import Spec

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
    /// The folders a run writes, each with the names of the files it writes there: a user's own
    /// file that happens to share a folder and an extension with them (`images/holiday.png`) is
    /// not runexp's, so `--force` refuses rather than deletes it.
    static let subfolders: [String: Set<String>] = [
        "images": Set(
            ["samples", "interpolations", "walks", "manifold", OutputSpec.Family.reconstructions.name, "conditional"]
                .map { $0 + ".png" }),
        "plots": Set(
            [
                "mse", "discriminator", OutputSpec.Family.tsne.name, "terms", OutputSpec.Family.curves.name,
                "epoch_losses",
            ]
            .flatMap { [$0 + ".png", $0 + ".svg"] }),
        "arrays": Set(
            ([OutputSpec.Family.tsne.name, "tsne_labels"] + Split.names.flatMap { ["codes_" + $0, "labels_" + $0] })
                .map { $0 + ".npy" }),
        "checkpoint": ["parameters.safetensors", "training.safetensors"],
        // `--tensorboard`'s event file, and a study trial's HParams session (`StudyHParams`).
        "tensorboard": ["events.out.tfevents.runexp", "events.out.tfevents.runexp-hparams"],
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
        let entry = folder.appendingPathComponent(name)
        if topFiles.contains(name) || isTemporary(name, of: topFiles) { return isPlainFile(entry) ? [] : [name] }
        guard let names = subfolders[name], isFolder(entry),
            let inside = try? FileManager.default.contentsOfDirectory(atPath: entry.path)
        else { return [name] }
        return inside.sorted().filter { file in
            !(isOwn(file, names) || isTemporary(file, of: names)) || !isPlainFile(entry.appendingPathComponent(file))
        }.map { "\(name)/\($0)" }
    }

    /// Whether `file` is a name runexp writes among `names`: one of them, or a numbered `curves`
    /// output's (`curves-2.png`, `epoch_losses-3.svg`).
    static func isOwn(_ file: String, _ names: Set<String>) -> Bool {
        if names.contains(file) { return true }
        let url = URL(fileURLWithPath: file)
        let stem = url.deletingPathExtension().lastPathComponent
        guard let dash = stem.lastIndex(of: "-") else { return false }
        let digits = stem[stem.index(after: dash)...]
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits), number > 1 else {
            return false
        }
        let base = String(stem[..<dash])
        return [OutputSpec.Family.curves.name, "epoch_losses"].contains(base)
            && names.contains("\(base).\(url.pathExtension)")
    }

    /// `.<name>.tmp-<pid>` for one of `names`: exactly what an interrupted write of runexp's own
    /// file leaves (AtomicFile), and nothing else that starts with a dot.
    static func isTemporary(_ file: String, of names: Set<String>) -> Bool {
        guard file.hasPrefix("."), let marker = file.range(of: ".tmp-", options: .backwards) else { return false }
        let pid = file[marker.upperBound...]
        guard !pid.isEmpty, pid.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return isOwn(String(file[file.index(after: file.startIndex)..<marker.lowerBound]), names)
    }

    /// Whether `url` is a folder itself (not a link to one).
    static func isFolder(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

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
