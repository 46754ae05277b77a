/// A problem with a data file or buffer: names the source and says what was expected and what was found.
///
/// Every reader in this module reports bad input as one of these values rather than trapping, so
/// that the command line can print it and exit with status 2.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
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
