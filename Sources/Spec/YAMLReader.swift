import CYAML

/// Reads YAML text into a `YAMLNode` tree through libyaml's event API, keeping every node's place.
///
/// One document per spec. Aliases are expanded, but the whole expansion is charged against a node
/// budget, so a "billion laughs" file is an error rather than an exhausted machine.
public struct YAMLReader {
    /// The most nodes a document may expand to, aliases included.
    public static let nodeBudget = 200_000
    /// The deepest nesting accepted, far beyond any real spec.
    public static let depthLimit = 256

    let file: String

    /// - Parameter file: the name used in every location this reader reports.
    public init(file: String) {
        self.file = file
    }

    /// Parses `text` as one YAML document.
    public func read(_ text: String) -> Result<YAMLNode, Diagnostic> {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [0x0A] }
        return bytes.withUnsafeBufferPointer { buffer -> Result<YAMLNode, Diagnostic> in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) != 0 else {
                return .failure(Diagnostic(.file(location(0, 0)), "the YAML parser could not start"))
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = TreeBuilder(reader: self)
            return builder.run(&parser)
        }
    }

    func location(_ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line + 1, column: column + 1)
    }

    func origin(_ mark: yaml_mark_t) -> Origin {
        .file(location(Int(mark.line), Int(mark.column)))
    }
}

/// One collection being read; a class so that appending to it stays linear in the item count.
private final class Frame {
    let origin: Origin
    let isFlow: Bool
    let isMapping: Bool
    let anchor: String?
    var items: [YAMLNode] = []
    var entries: [YAMLEntry] = []
    var keys: Set<String> = []
    var pendingKey: YAMLNode?

    init(origin: Origin, isFlow: Bool, isMapping: Bool, anchor: String?) {
        self.origin = origin
        self.isFlow = isFlow
        self.isMapping = isMapping
        self.anchor = anchor
    }

    var node: YAMLNode {
        YAMLNode(isMapping ? .mapping(entries) : .sequence(items), origin: origin, isFlow: isFlow)
    }
}

/// The stack machine that turns libyaml's events into nodes.
private struct TreeBuilder {
    let reader: YAMLReader
    var stack: [Frame] = []
    var anchors: [String: YAMLNode] = [:]
    var documents: [YAMLNode] = []
    var expanded = 0

    init(reader: YAMLReader) {
        self.reader = reader
    }

    mutating func run(_ parser: inout yaml_parser_t) -> Result<YAMLNode, Diagnostic> {
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) != 0 else { return .failure(syntaxError(parser)) }
            defer { yaml_event_delete(&event) }
            if event.type == YAML_STREAM_END_EVENT { break }
            if let problem = handle(event) { return .failure(problem) }
        }
        guard let document = documents.first else {
            return .failure(Diagnostic(.file(reader.location(0, 0)), "the spec is empty; expected a mapping"))
        }
        return .success(document)
    }

    func syntaxError(_ parser: yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "malformed YAML"
        var message = "invalid YAML: \(problem)"
        if let context = parser.context.map({ String(cString: $0) }) { message += " \(context)" }
        if problem.hasPrefix("mapping values are not allowed") {
            // The usual cause in a spec: a loss with a named argument, `ramp(0, 1, epochs: 10) * …`.
            message += "; a value holding ': ' (such as a loss with epochs: 10) must be quoted or written after >-"
        }
        return Diagnostic(reader.origin(parser.problem_mark), message)
    }

    mutating func handle(_ event: yaml_event_t) -> Diagnostic? {
        let origin = reader.origin(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            if !documents.isEmpty {
                return Diagnostic(origin, "a spec holds one YAML document; found a second one here")
            }
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text = s.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: s.length), as: UTF8.self) }
            let quoted = s.style != YAML_PLAIN_SCALAR_STYLE && s.style != YAML_ANY_SCALAR_STYLE
            let node = YAMLNode(.scalar(text ?? ""), origin: origin, isQuoted: quoted)
            return add(node, anchor: string(s.anchor))
        case YAML_ALIAS_EVENT:
            let name = string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else { return Diagnostic(origin, "unknown alias '*\(name)'") }
            expanded += target.nodeCount
            guard expanded <= YAMLReader.nodeBudget else {
                return Diagnostic(origin, "aliases expand past \(YAMLReader.nodeBudget) nodes; write the values out")
            }
            var copy = target
            copy.origin = origin
            return add(copy, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return push(
                Frame(
                    origin: origin, isFlow: start.style == YAML_FLOW_SEQUENCE_STYLE, isMapping: false,
                    anchor: string(start.anchor)))
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return push(
                Frame(
                    origin: origin, isFlow: start.style == YAML_FLOW_MAPPING_STYLE, isMapping: true,
                    anchor: string(start.anchor)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return nil }
            return add(frame.node, anchor: frame.anchor)
        default:
            break
        }
        return nil
    }

    mutating func push(_ frame: Frame) -> Diagnostic? {
        guard stack.count < YAMLReader.depthLimit else {
            return Diagnostic(frame.origin, "nesting deeper than \(YAMLReader.depthLimit) levels")
        }
        stack.append(frame)
        return nil
    }

    mutating func add(_ node: YAMLNode, anchor: String?) -> Diagnostic? {
        expanded += 1
        guard expanded <= YAMLReader.nodeBudget else {
            return Diagnostic(node.origin, "the document has more than \(YAMLReader.nodeBudget) nodes")
        }
        if let anchor { anchors[anchor] = node }
        guard let parent = stack.last else {
            documents.append(node)
            return nil
        }
        if !parent.isMapping {
            parent.items.append(node)
            return nil
        }
        guard let key = parent.pendingKey else {
            parent.pendingKey = node
            return nil
        }
        parent.pendingKey = nil
        guard let keyText = key.scalarText else {
            return Diagnostic(key.origin, "a key must be a plain name, not \(key.kindDescription)")
        }
        guard parent.keys.insert(keyText).inserted else {
            return Diagnostic(key.origin, "duplicate key '\(keyText)'")
        }
        parent.entries.append(YAMLEntry(key: keyText, keyOrigin: key.origin, value: node))
        return nil
    }

    func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
