import ArgumentParser
import Foundation
import Runner
import Tools

/// `runexp diff A B`: compares two result directories.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two result directories: spec values, environment, metrics and images.",
        discussion: "Exit codes: 0 identical (within --tol), 1 different, 2 bad input.")

    @Argument(help: "The first result directory.")
    var a: String

    @Argument(help: "The second result directory.")
    var b: String

    @Option(
        parsing: .unconditional,
        help: "The largest relative difference of a metric that counts as equal (default: exact).")
    var tol = 0.0

    func validate() throws {
        guard tol.isFinite, tol >= 0 else {
            throw ValidationError("--tol must be a relative difference of 0 or more, such as 1e-4; found \(tol)")
        }
    }

    @Option(help: "Also write the comparison, with difference images, as a page.")
    var html: String?

    func run() throws {
        let diff: RunDiff
        do {
            diff = try RunDiff.compare(a, b, tolerance: tol)
            if let html { try diff.writeHTML(to: html) }
        } catch {
            throw Exit.failing(error)
        }
        FileHandle.standardOutputText(diff.text)
        try Exit.unlessDone(diff.identical ? Exit.done : Exit.differs)
    }
}
