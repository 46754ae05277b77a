/// A problem with a user's input, located where the user can fix it.
///
/// Rendered as `file:line:col: error: message`, or with the command-line argument in place of the
/// file position when the value came from `--set`.
public struct Diagnostic: Sendable, Equatable, Error, CustomStringConvertible {
    public var origin: Origin
    public var message: String

    public init(_ origin: Origin, _ message: String) {
        self.origin = origin
        self.message = message
    }

    public var description: String { "\(origin.place): error: \(message)" }
}

/// Collects every problem found in one pass, so a user sees all of them at once.
public final class DiagnosticLog {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    /// Records a problem.
    public func error(_ origin: Origin, _ message: String) {
        // A phase's value is checked once per use in the loss; its problem is one problem.
        let diagnostic = Diagnostic(origin, message)
        if !diagnostics.contains(diagnostic) { diagnostics.append(diagnostic) }
    }

    /// True when nothing has been recorded.
    public var isEmpty: Bool { diagnostics.isEmpty }

    /// The problems in file order, each reported once.
    public var sorted: [Diagnostic] {
        var seen = Set<String>()
        return diagnostics.enumerated()
            .sorted { a, b in
                a.element.origin.sortKey == b.element.origin.sortKey
                    ? a.offset < b.offset : a.element.origin.sortKey < b.element.origin.sortKey
            }
            .map(\.element)
            .filter { seen.insert($0.description).inserted }
    }
}

/// Every problem found in a spec, in file order: what a failed load returns.
public struct SpecProblems: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    /// The losses and what they name, when they decoded although the spec has problems: the loss
    /// rules still run on them, so that every problem is reported at once.
    public var losses: LossContext?

    public init(_ diagnostics: [Diagnostic], losses: LossContext? = nil) {
        self.diagnostics = diagnostics
        self.losses = losses
    }

    /// These problems and `more`, in file order, each once.
    public func adding(_ more: [Diagnostic]) -> SpecProblems {
        let log = DiagnosticLog()
        for diagnostic in diagnostics + more { log.error(diagnostic.origin, diagnostic.message) }
        return SpecProblems(log.sorted, losses: losses)
    }

    /// One problem per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
