import Foundation

/// Loads a spec file the way every command does: read, parse, apply `--set` and `--seed`, decode, check.
public enum SpecLoader {
    /// Spec files are hand-written; anything larger is not a spec.
    public static let sizeLimit = 1 << 20

    /// The decoded spec, or every problem found, in file order. `seed` and `determinism` are the
    /// command line's `--seed` and `--determinism` (as typed: the spec's rule checks it), which
    /// override the spec's.
    public static func load(
        path: String, overrides: [String] = [], seed: UInt64? = nil, determinism: DeterminismMode? = nil
    ) -> Result<ExperimentSpec, SpecProblems> {
        switch readText(path) {
        case .success(let text):
            return load(text: text, file: path, overrides: overrides, seed: seed, determinism: determinism)
        case .failure(let diagnostic): return .failure(SpecProblems([diagnostic]))
        }
    }

    /// Like `load(path:)`, for text already in memory; `file` names it in messages.
    public static func load(
        text: String, file: String, overrides: [String] = [], seed: UInt64? = nil,
        determinism: DeterminismMode? = nil
    ) -> Result<ExperimentSpec, SpecProblems> {
        var root: YAMLNode
        switch YAMLReader(file: file).read(text) {
        case .success(let node): root = node
        case .failure(let diagnostic): return .failure(SpecProblems([diagnostic]))
        }
        var problems: [Diagnostic] = []
        var parsed = overrides.map { SpecOverride.parse($0) }
        if let seed { parsed.append(.success(.option("seed", String(seed)))) }
        if let determinism { parsed.append(.success(.option("determinism", determinism.rawValue))) }
        for override in parsed {
            switch override.flatMap({ $0.apply(to: root) }) {
            case .success(let node): root = node
            case .failure(let diagnostic): problems.append(diagnostic)
            }
        }
        let log = DiagnosticLog()
        var losses: LossContext?
        let spec = SpecDecoder(log: log).decodeExperiment(root, file: file, losses: &losses)
        problems += log.sorted
        guard let spec, problems.isEmpty else { return .failure(SpecProblems(problems, losses: losses)) }
        return .success(spec)
    }

    static func readText(_ path: String) -> Result<String, Diagnostic> {
        let place = Origin.argument(path)
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOTDIR { return .failure(Diagnostic(place, "a part of the path is a file, not a folder")) }
            return .failure(Diagnostic(place, "no such file; expected a spec such as experiments/cnn_ae.yaml"))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR:
            return .failure(Diagnostic(place, "is a directory; expected a spec file such as \(path)/cnn_ae.yaml"))
        default:
            // A named pipe with no writer would block the read forever; a device never ends.
            return .failure(Diagnostic(place, "is not a regular file (a named pipe or a device); expected a YAML spec"))
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            return .failure(Diagnostic(place, "cannot be read: \(String(cString: strerror(errno)))"))
        }
        defer { close(descriptor) }
        // Read with the system's own calls, so a failure says the system's reason (a kernel file
        // such as /proc/self/pagemap refuses reads of its own kinds).
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while data.count <= sizeLimit {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                return .failure(Diagnostic(place, "cannot be read: \(String(cString: strerror(errno)))"))
            }
            if count == 0 { break }
            data.append(contentsOf: buffer[..<count])
        }
        guard data.count <= sizeLimit else {
            return .failure(Diagnostic(place, "is larger than \(sizeLimit / 1024) KiB; a spec is a short YAML file"))
        }
        guard let text = String(data: data, encoding: .utf8), !text.contains("\u{0}") else {
            return .failure(Diagnostic(place, "is not UTF-8 text; expected a YAML spec"))
        }
        return .success(text)
    }
}
