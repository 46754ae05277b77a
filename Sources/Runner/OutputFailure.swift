import Foundation
import Spec
import RunFolder

/// An output that could not be written: which one, where the spec asks for it, and why. A run
/// reports it (terminal, `run.json`'s `failed_outputs`, the report) and still writes the others,
/// the report and the checkpoint; it then ends with exit status 1.
struct OutputFailure: Sendable {
    /// The output's key in the spec (`curves`, `tsne`, …).
    let output: String
    let origin: Origin
    let reason: String

    init(_ output: OutputSpec, _ error: any Error) {
        self.init(output: output.name, origin: output.origin, error)
    }

    init(output: String, origin: Origin, _ error: any Error) {
        (self.output, self.origin, reason) = (output, origin, "\(error)")
    }

    /// One line for the terminal and the report.
    var line: String { "\(origin.place): the \(output) output was not written: \(reason)" }

    /// Its entry in `run.json`.
    var json: JSON {
        .object(["output": .string(output), "place": .string(origin.place), "reason": .string(reason)])
    }

    /// Runs `write`, turning a failure into an `OutputFailure` of `output` (a stop request still
    /// stops the run); nil when it failed, now or in an earlier part of the same output.
    static func catching<T>(_ output: OutputSpec, into failures: inout [OutputFailure], _ write: () throws -> T)
        throws -> T?
    {
        // An output that already failed in an earlier part (its codes) is not tried again.
        if failures.contains(where: { $0.origin == output.origin && $0.output == output.name }) { return nil }
        do {
            if injected.contains(output.name) { throw RunError("failed on purpose (\(injectionVariable))") }
            return try write()
        } catch let stop as StopSignal.Interrupted {
            throw stop
        } catch {
            failures.append(OutputFailure(output, error))
            return nil
        }
    }

    /// The variable naming outputs (comma-separated kinds) to fail on purpose: how the fault tests
    /// check that the others, the report and the checkpoint are still written.
    static let injectionVariable = "RUNEXP_FAIL_OUTPUTS"

    private static let injected = Set(
        (ProcessInfo.processInfo.environment[injectionVariable] ?? "").split(separator: ",").map(String.init))
}
