import Foundation
import Spec

/// A finished run's records read back: its resolved spec by key path, its final metrics and the
/// facts of its `run.json`. Diff, compare, studies and the checkpoint's refusal read a run through
/// these, so each file is parsed by one reader and refused in one wording.
public enum RunFiles {
    /// A resolved-spec value in which two runs differ: its key path and both values (nil where absent).
    public struct Change: Sendable, Equatable {
        public var key: String
        public var a: String?
        public var b: String?
    }

    /// Every value of the run's `resolved.yaml` by key path (`SpecKeyPath`), in the file's order.
    public static func resolvedValues(_ folder: URL) throws -> [(path: String, value: String)] {
        let path = folder.appendingPathComponent("resolved.yaml").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RunError("\(path): cannot be read; expected a runexp result directory")
        }
        switch YAMLReader(file: path).read(text) {
        case .success(let node): return values(node)
        case .failure(let problem): throw RunError("\(path): \(problem)")
        }
    }

    /// Every value below `node` by key path; the first of a repeated path counts.
    public static func values(_ node: YAMLNode) -> [(path: String, value: String)] {
        SpecKeyPath.values(node).map { ($0.path, $0.value) }
    }

    /// The values of two resolved specs that differ, sorted by key path.
    public static func changes(_ a: [(path: String, value: String)], _ b: [(path: String, value: String)]) -> [Change] {
        let (x, y) = (dictionary(a), dictionary(b))
        return Set(x.keys).union(y.keys).sorted().compactMap { key in
            x[key] == y[key] ? nil : Change(key: key, a: x[key], b: y[key])
        }
    }

    /// The members of the run's `metrics.json`.
    public static func metrics(_ folder: URL) throws -> [String: JSON] {
        try object(folder.appendingPathComponent("metrics.json"))
    }

    /// The numeric members of the run's `metrics.json` (1e400 reads as infinity; callers decide).
    public static func numericMetrics(_ folder: URL) throws -> [String: Double] {
        try metrics(folder).compactMapValues(\.numberValue)
    }

    /// The members of the run's `run.json`.
    public static func facts(_ folder: URL) throws -> [String: JSON] {
        try object(folder.appendingPathComponent("run.json"))
    }

    static func dictionary(_ values: [(path: String, value: String)]) -> [String: String] {
        Dictionary(values.map { ($0.path, $0.value) }) { first, _ in first }
    }

    /// The JSON object in `file`, or a refusal naming it.
    static func object(_ file: URL) throws -> [String: JSON] {
        guard let text = try? String(contentsOfFile: file.path, encoding: .utf8) else {
            throw RunError("\(file.path): cannot be read; expected a runexp result directory")
        }
        guard case .object(let members)? = JSONReader.parse(text) else {
            throw RunError("\(file.path): not a JSON object")
        }
        return members
    }
}
