/// One node of a YAML document, with the place it came from.
///
/// Specs are small, so the tree is plain values: the reader builds it once, `--set` edits it, and the
/// decoder reads it while filling in defaults, which produces the resolved tree that `check` prints.
public struct YAMLNode: Sendable, Equatable {
    /// What the node holds.
    public enum Content: Sendable, Equatable {
        case scalar(String)
        case sequence([YAMLNode])
        case mapping([YAMLEntry])
    }

    public var content: Content
    public var origin: Origin
    /// True for `'quoted'`, `"quoted"` and block scalars: their text is a string, never a number.
    public var isQuoted: Bool
    /// True for `[a, b]` and `{a: b}`: the writer keeps short collections on one line.
    public var isFlow: Bool

    public init(_ content: Content, origin: Origin, isQuoted: Bool = false, isFlow: Bool = false) {
        self.content = content
        self.origin = origin
        self.isQuoted = isQuoted
        self.isFlow = isFlow
    }

    /// A plain scalar, for defaults and values runexp writes itself.
    public static func scalar(_ text: String, _ origin: Origin) -> YAMLNode {
        YAMLNode(.scalar(text), origin: origin)
    }

    /// The scalar's text, or nil for a collection.
    public var scalarText: String? {
        if case .scalar(let text) = content { return text }
        return nil
    }

    /// The mapping's entries, or nil when the node is not a mapping.
    public var entries: [YAMLEntry]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    /// The sequence's items, or nil when the node is not a sequence.
    public var items: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// A plain scalar written as `null`, `~` or nothing at all.
    public var isNull: Bool {
        guard !isQuoted, let text = scalarText else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    /// How the node reads in a message: `'relu'`, `a mapping`, `a list`.
    public var kindDescription: String {
        switch content {
        case .scalar(let text): return isNull ? "nothing" : "'\(text)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    /// The same tree with every origin replaced, for values given on the command line.
    public func withOrigin(_ origin: Origin) -> YAMLNode {
        var copy = self
        copy.origin = origin
        switch content {
        case .scalar: break
        case .sequence(let items): copy.content = .sequence(items.map { $0.withOrigin(origin) })
        case .mapping(let entries):
            copy.content = .mapping(
                entries.map { YAMLEntry(key: $0.key, keyOrigin: origin, value: $0.value.withOrigin(origin)) })
        }
        return copy
    }

    /// Number of nodes in the tree, the measure aliases are charged by.
    var nodeCount: Int {
        switch content {
        case .scalar: return 1
        case .sequence(let items): return items.reduce(1) { $0 + $1.nodeCount }
        case .mapping(let entries): return entries.reduce(1) { $0 + 1 + $1.value.nodeCount }
        }
    }
}

/// One `key: value` pair of a mapping; keys are scalars in specs.
public struct YAMLEntry: Sendable, Equatable {
    public var key: String
    public var keyOrigin: Origin
    public var value: YAMLNode

    public init(key: String, keyOrigin: Origin, value: YAMLNode) {
        self.key = key
        self.keyOrigin = keyOrigin
        self.value = value
    }
}
