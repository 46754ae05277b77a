/// Reads one YAML mapping of a spec while building its resolved form.
///
/// Every key read is remembered: a missing key with a default is filled in (marked `default`), and
/// `finish()` reports every key the spec wrote that nothing read, with the nearest known key. So the
/// list of valid keys is exactly the code that reads them; nothing can drift apart.
public struct MappingReader {
    let log: DiagnosticLog
    /// What this mapping is, in messages: `train`, `network 'encoder'`.
    let subject: String
    let node: YAMLNode
    private var known: [String] = []
    private var resolved: [YAMLEntry] = []

    /// Starts reading `node`; reports and returns nil when it is not a mapping.
    public init?(_ node: YAMLNode, _ subject: String, log: DiagnosticLog) {
        self.log = log
        self.subject = subject
        if node.isNull {
            self.node = YAMLNode(.mapping([]), origin: node.origin)
            return
        }
        self.node = node
        guard node.entries != nil else {
            log.error(node.origin, "\(subject) must be a mapping of keys to values; found \(node.kindDescription)")
            return nil
        }
    }

    /// The resolved mapping: keys in the order they were read, defaults filled in.
    public var resolvedNode: YAMLNode {
        var result = node
        result.content = .mapping(resolved)
        return result
    }

    /// The keys the spec wrote, in order.
    public var writtenKeys: [String] { node.entries?.map(\.key) ?? [] }

    /// The value written for `key`, or nil. Marks the key as known.
    public mutating func take(_ key: String) -> YAMLNode? {
        known.append(key)
        return node.entries?.first { $0.key == key }?.value
    }

    /// Records `value` as the resolved value of `key`.
    public mutating func record(_ key: String, _ value: YAMLNode) {
        let origin = node.entries?.first { $0.key == key }?.keyOrigin ?? value.origin
        resolved.append(YAMLEntry(key: key, keyOrigin: origin, value: value))
    }

    /// Reads `key` with `decode`, reporting it when missing; records the value `decode` resolved.
    public mutating func required<T>(_ key: String, _ decode: (inout YAMLNode) -> T?) -> T? {
        guard var value = take(key) else {
            log.error(node.origin, "\(subject) is missing the required key '\(key)'")
            return nil
        }
        let result = decode(&value)
        record(key, value)
        return result
    }

    /// Reads `key` with `decode`, or uses `fallback` (a YAML value, recorded as a default) when missing.
    public mutating func optional<T>(
        _ key: String, default fallback: YAMLNode.Content,
        _ decode: (inout YAMLNode) -> T?
    ) -> T? {
        var value = take(key) ?? YAMLNode(fallback, origin: .defaulted)
        let result = decode(&value)
        record(key, value)
        return result
    }

    /// Reads `key` with `decode` when present; absent keys stay absent in the resolved spec.
    public mutating func ifPresent<T>(_ key: String, _ decode: (inout YAMLNode) -> T?) -> T? {
        guard var value = take(key) else { return nil }
        let result = decode(&value)
        record(key, value)
        return result
    }

    /// Reports every key nothing read, suggesting the nearest known key.
    public func finish() {
        for entry in node.entries ?? [] where !known.contains(entry.key) {
            log.error(
                entry.keyOrigin, "unknown key '\(entry.key)' in \(subject)\(NearestName.hint(entry.key, in: known))")
        }
    }
}
