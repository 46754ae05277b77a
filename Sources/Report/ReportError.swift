/// A problem writing a report file: names the file (or the figure) and says what went wrong.
///
/// Every writer in this module reports failures as one of these values rather than trapping, so that
/// the runner can record `failed: …` in `run.json` and the command line can print it.
public struct ReportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file path, or the name of the figure when no file is involved yet.
    public let source: String
    /// What went wrong, e.g. Cairo's status string or the system's error message.
    public let problem: String

    /// Makes an error for `source` describing `problem`.
    public init(_ source: String, _ problem: String) {
        self.source = source
        self.problem = problem
    }

    /// `source: problem`, the form printed to the user.
    public var description: String { "\(source): \(problem)" }
}
