import Foundation
import Kernels
import Spec
import RunFolder
import Runner
import Report

/// `runexp replay --core-types`: the same replay once per OpenBLAS kernel family, each in a child
/// process that starts with `OPENBLAS_CORETYPE` set, as on a machine whose OpenBLAS picks that
/// family. In portable determinism every replay must match the references bit for bit; in fast
/// determinism the replays' tables show how far each family's figures drift from them.
public enum ReplayAcrossCores {
    /// One family's replay: the family and the child's exit status.
    public struct Result: Sendable {
        public var core: BLASCore
        public var status: Int32
    }

    /// The families `--core-types` names: `all` (every known family this CPU executes) or a
    /// comma-separated list of OpenBLAS's names.
    public static func cores(named text: String, processor: ProcessorDescription = .current) throws -> [BLASCore] {
        let runnable = BLASCore.known.filter { $0.runs(on: processor) }
        if text == "all" { return runnable }
        return try text.split(separator: ",").map { part in
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let core = BLASCore.named(name) else {
                let hint = NearestName.find(name, in: runnable.map(\.name)).map { "did you mean '\($0)'? " } ?? ""
                throw RunError(
                    "--core-types: unknown OpenBLAS core type '\(name)'; \(hint)this CPU executes "
                        + "\(runnable.map(\.name).joined(separator: ", ")) (or say all)")
            }
            guard core.runs(on: processor) else {
                throw RunError(
                    "--core-types: this CPU (\(processor.model)) cannot execute \(core); it executes "
                        + runnable.map(\.name).joined(separator: ", "))
            }
            return core
        }
    }

    /// Runs this executable with `arguments` (a replay without `--core-types`) once per family in
    /// `cores`, its output going where this process's goes, under a heading per family.
    public static func run(arguments: [String], cores: [BLASCore], heading: (String) -> Void) throws -> [Result] {
        let executable = RunexpVersion.executable
        var results: [Result] = []
        for core in cores {
            heading("── replaying as on a machine where OpenBLAS picks \(core) ──")
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            environment["OPENBLAS_CORETYPE"] = core.name
            process.environment = environment
            try process.run()
            process.waitUntilExit()
            results.append(Result(core: core, status: process.terminationStatus))
        }
        return results
    }

    /// One line per family and the verdict: every replay matched, or which did not.
    public static func summary(_ results: [Result]) -> String {
        var table = TextTable(["OpenBLAS picks", "instructions", "replay"], alignments: [.left, .left, .left])
        for result in results {
            let verdict: String
            switch result.status {
            case 0: verdict = "all match"
            case 1: verdict = "MISSES"
            default: verdict = "FAILED (exit \(result.status))"
            }
            table.add([result.core.name, result.core.instructionSet, verdict])
        }
        let failed = results.filter { $0.status != 0 }.map(\.core.name)
        let verdict =
            failed.isEmpty
            ? "replayed under \(results.count) core types: all match"
            : "replayed under \(results.count) core types: \(failed.joined(separator: ", ")) did not match"
        return table.render(indent: 0) + "\n" + verdict
    }

    /// The exit status of the whole: 2 if a replay could not run, else 1 if one missed, else 0.
    public static func status(_ results: [Result]) -> Int32 {
        let statuses = results.map(\.status)
        if statuses.contains(where: { $0 != 0 && $0 != 1 }) { return 2 }
        return statuses.contains(1) ? 1 : 0
    }
}
