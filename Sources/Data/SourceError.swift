/// A problem with a file, a buffer or a figure: names its source and says what was expected and
/// what was found, or what the system refused.
///
/// Every reader and writer (data files here, figures and pages in Report) reports failure as one of
/// these values rather than trapping, so that the runner can record `failed: …` and the command
/// line can print it.
public struct SourceError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file path or buffer name the bad input came from.
    public let source: String
    /// What is wrong, including what was expected and what was found.
    public let problem: String

    /// Makes an error for `source` describing `problem`.
    public init(_ source: String, _ problem: String) {
        self.source = source
        self.problem = problem
    }

    /// `source: problem`, the form printed to the user.
    public var description: String { "\(source): \(problem)" }
}
