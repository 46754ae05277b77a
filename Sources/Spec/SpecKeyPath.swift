/// The one grammar of a spec's key paths: mapping keys joined by dots and, in a list, an item's
/// `name` where it has one, else its position — `phases.generator.optimizer.adam.lr`,
/// `outputs.1.tsne.points`. `--set` and sweeps read them (a position is accepted for a named item
/// too); `diff`, `compare` and the checkpoint's refusal print them.
public enum SpecKeyPath {
    /// What joins the parts.
    public static let separator: Character = "."
    /// The epochs a run trains: what a study's trial runs when nothing stops it.
    public static let epochs = join(["train", "epochs"])

    /// The parts of a written key path (empty parts kept, for the caller to refuse).
    public static func parts(_ text: String) -> [String] {
        text.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }

    /// A key path from its parts.
    public static func join(_ parts: [String]) -> String { parts.joined(separator: String(separator)) }

    /// The name by which a list item is addressed: its `name` entry, if it has one.
    public static func itemName(_ item: YAMLNode) -> String? {
        item.entries?.first { $0.key == "name" }?.value.scalarText
    }

    /// Every value under `node` by its key path, in document order: scalars as written, an empty
    /// list as `[]` and an empty mapping as `{}`.
    public static func values(_ node: YAMLNode) -> [(path: String, value: String)] {
        var values: [(path: String, value: String)] = []
        walk(node, [], into: &values)
        return values
    }

    private static func walk(_ node: YAMLNode, _ prefix: [String], into values: inout [(path: String, value: String)]) {
        if let entries = node.entries, !entries.isEmpty {
            for entry in entries { walk(entry.value, prefix + [entry.key], into: &values) }
        } else if let items = node.items, !items.isEmpty {
            for (index, item) in items.enumerated() {
                walk(item, prefix + [itemName(item) ?? String(index)], into: &values)
            }
        } else {
            values.append((join(prefix), node.scalarText ?? (node.items != nil ? "[]" : "{}")))
        }
    }
}
