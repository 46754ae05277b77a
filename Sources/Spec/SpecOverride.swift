/// A `--set key.path=value` from the command line: one value of the spec replaced or added.
///
/// Path parts are mapping keys, list positions (`phases.0.loss`) or, in a list of named items, a name
/// (`phases.generator.optimizer`). The value is YAML, so `--set 'data.shape=[784]'` works.
public struct SpecOverride: Sendable, Equatable {
    public var path: [String]
    public var value: YAMLNode
    /// The argument as the user typed it, which is where its values come from.
    public var argument: String

    /// The most parts a key path may have.
    static let maximumDepth = 64

    /// Parses `key=value`; reports a malformed argument as a diagnostic located at the argument.
    public static func parse(_ text: String, flag: String = "--set") -> Result<SpecOverride, Diagnostic> {
        // Messages name the argument; a pasted megabyte must not fill the terminal.
        let full = "\(flag) \(text)"
        let argument = full.count > 120 ? full.prefix(120) + "…" : full
        guard let equals = text.firstIndex(of: "=") else {
            return .failure(Diagnostic(.argument(argument), "expected key=value, e.g. train.epochs=5"))
        }
        let key = String(text[..<equals])
        let path = SpecKeyPath.parts(key)
        guard !key.isEmpty, !path.contains(where: \.isEmpty) else {
            return .failure(Diagnostic(.argument(argument), "'\(key)' is not a key path such as train.epochs"))
        }
        // Applying walks one level per part; no spec is nearly this deep.
        guard path.count <= maximumDepth else {
            return .failure(
                Diagnostic(
                    .argument(argument),
                    "a key path of \(path.count) parts; a spec's keys are at most \(maximumDepth) deep"))
        }
        switch YAMLReader(file: argument).read(String(text[text.index(after: equals)...])) {
        case .success(let node):
            return .success(SpecOverride(path: path, value: node.withOrigin(.argument(argument)), argument: argument))
        case .failure(let diagnostic):
            return .failure(Diagnostic(.argument(argument), diagnostic.message))
        }
    }

    /// A top-level key set by a command-line option of its own: `--seed 7` sets `seed`.
    static func option(_ key: String, _ value: String) -> SpecOverride {
        let argument = "--\(key) \(value)"
        return SpecOverride(path: [key], value: .scalar(value, .argument(argument)), argument: argument)
    }

    /// `root` with this override applied, or a diagnostic when the path cannot be followed.
    public func apply(to root: YAMLNode) -> Result<YAMLNode, Diagnostic> {
        var node = root
        if let problem = set(&node, path[...]) { return .failure(Diagnostic(.argument(argument), problem)) }
        return .success(node)
    }

    private func set(_ node: inout YAMLNode, _ rest: ArraySlice<String>) -> String? {
        guard let head = rest.first else {
            node = value
            return nil
        }
        switch node.content {
        case .mapping(var entries):
            if let index = entries.firstIndex(where: { $0.key == head }) {
                if let problem = set(&entries[index].value, rest.dropFirst()) { return problem }
            } else {
                var child = YAMLNode(.mapping([]), origin: value.origin)
                if let problem = set(&child, rest.dropFirst()) { return problem }
                entries.append(YAMLEntry(key: head, keyOrigin: value.origin, value: child))
            }
            node.content = .mapping(entries)
            return nil
        case .sequence(var items):
            guard
                let index = Int(head).flatMap({ items.indices.contains($0) ? $0 : nil })
                    ?? items.firstIndex(where: { SpecKeyPath.itemName($0) == head })
            else {
                let names = items.compactMap(SpecKeyPath.itemName)
                let list = SpecKeyPath.join(Array(path.prefix(path.count - rest.count)))
                return "no item '\(head)' in the list at \(list)"
                    + (names.isEmpty ? "; use a position 0…\(items.count - 1)" : NearestName.hint(head, in: names))
            }
            if let problem = set(&items[index], rest.dropFirst()) { return problem }
            node.content = .sequence(items)
            return nil
        case .scalar:
            if node.isNull {
                node = YAMLNode(.mapping([]), origin: value.origin)
                return set(&node, rest)
            }
            return
                "\(SpecKeyPath.join(Array(path.prefix(path.count - rest.count)))) is a single value; it has no key '\(head)'"
        }
    }
}
