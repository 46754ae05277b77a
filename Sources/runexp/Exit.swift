import ArgumentParser
import Foundation
import Runner

/// How a command ends: the exit codes runexp promises (README) and the one way an error is shown.
/// Every command ends through here.
enum Exit {
    /// Done: trained, identical, all matched.
    static let done: Int32 = 0
    /// A difference, a failed run or a missed expectation.
    static let differs: Int32 = 1
    /// Bad input or usage: nothing ran.
    static let badInput: Int32 = 2
    /// Stopped by Ctrl-C or SIGTERM.
    static let interrupted: Int32 = 130

    /// The exit code of a run that ended so.
    static func code(_ result: RunResult) -> Int32 {
        switch result {
        case .done: return done
        case .missedExpectation, .failed, .outputsFailed: return differs
        case .refused: return badInput
        case .interrupted: return interrupted
        }
    }

    /// Ends the command with `code` unless it is `done`.
    static func unlessDone(_ code: Int32) throws {
        if code != done { throw ExitCode(code) }
    }

    /// Prints `error` and returns what ends the command with `code` (bad input unless told).
    static func failing(_ error: Error, _ code: Int32 = badInput) -> ExitCode {
        show(error)
        return ExitCode(code)
    }

    /// Prints a usage error as swift-argument-parser words it, with runexp's one `error:` in front
    /// of the message instead of its `Error:`.
    static func showUsage(_ text: String) {
        FileHandle.standardErrorText(text.hasPrefix("Error: ") ? "error: " + text.dropFirst(7) : text)
    }

    /// Prints `error` on standard error the one way: a located diagnostic (or a refused spec's
    /// list of them) keeps its `file:line:col: error:`, anything else gets one `error:` in front.
    static func show(_ error: Error) {
        FileHandle.standardErrorText(LocatedError.from(error)?.description ?? "error: \(error)")
    }
}
