import ArgumentParser
import Foundation
import Spec

/// What a new user most often types wrong, and what to type instead: a command misspelt (which
/// would otherwise be read as a spec file that does not exist), and a spec key given as an option.
enum UsageHints {
    /// The spec keys people give as options (`--epochs 1`), by the option's name.
    static let specKeys: [String: String] = [
        "epochs": "train.epochs", "batch-size": "train.batch_size", "batch_size": "train.batch_size",
        "shuffle": "train.shuffle", "log-every": "train.log_every", "log_every": "train.log_every",
        "validation": "data.validation", "train-limit": "data.train_limit", "train_limit": "data.train_limit",
        "name": "name",
    ]

    /// The refusal of `arguments` (without the program's name) when its first word is no command
    /// and no file but close to a command's name: `runexp chek spec.yaml`.
    static func misspeltCommand(_ arguments: [String], commands: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !commands.contains(first),
            !FileManager.default.fileExists(atPath: first), let near = NearestName.find(first, in: commands)
        else { return nil }
        let rest = arguments.dropFirst().joined(separator: " ")
        return "error: '\(first)' is neither a command nor a spec file; did you mean `runexp \(near)"
            + (rest.isEmpty ? "`?" : " \(rest)`?")
    }

    /// A line to add under a usage error about an unknown option that is a spec key.
    static func unknownOption(_ message: String) -> String? {
        guard let range = message.range(of: "Unknown option '--") else { return nil }
        let name = message[range.upperBound...].prefix { $0 != "'" }
        guard let key = specKeys[String(name)] else { return nil }
        return "hint: --\(name) is the spec's \(key); set it with --set \(key)=VALUE"
    }
}
