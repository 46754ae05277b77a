import Foundation
import Spec

/// `runexp replay`: re-runs committed specs with the reduced budget each declares (`replay:`) and
/// compares the results with the references committed under `results/<name>/`.
public enum Replay {
    /// One spec's outcome: the metrics compared and what missed.
    public struct Outcome: Sendable {
        public var spec: String
        public var rows: [(metric: String, reference: Double?, replayed: Double?, ok: Bool)]
        public var misses: [String]
    }

    /// The `--set` arguments that shrink a spec to its replay budget.
    static func budget(_ spec: ExperimentSpec) -> (overrides: [String], tolerance: Double) {
        // Without a `replay:` block a spec replays one epoch, compared at the default tolerance.
        var overrides = ["train.epochs=\(spec.replay?.epochs ?? 1)"]
        if let limit = spec.replay?.trainLimit { overrides.append("data.train_limit=\(limit)") }
        return (overrides, spec.replay?.tolerance ?? 1e-4)
    }

    /// Replays `specPath`; with `record`, writes the references instead of comparing.
    public static func run(specPath: String, results: String, record: Bool, console: RunConsole) throws -> Outcome {
        let spec = try SpecLoader.load(path: specPath).mapError { RunError($0.description) }.get()
        let (overrides, tolerance) = budget(spec)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "runexp-replay-\(getpid())-\(spec.name)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var options = RunOptions(specPath: specPath)
        options.overrides = overrides
        options.out = scratch.path
        options.force = true
        let quiet = RunConsole(progress: { _ in }, message: { _ in }, isTerminal: false)
        let code = RunCommand.run(options, console: quiet)
        guard code == 0 || code == 1 else { throw RunError("\(specPath): the replay run failed (exit \(code))") }
        let reference = URL(fileURLWithPath: results).appendingPathComponent(spec.name)
        if record {
            try recordReference(from: scratch, to: reference)
            console.message("\(specPath): recorded \(reference.path)")
            return Outcome(spec: specPath, rows: [], misses: [])
        }
        return try compare(specPath, spec, replayed: scratch, reference: reference, tolerance: tolerance)
    }

    static func recordReference(from run: URL, to reference: URL) throws {
        let manager = FileManager.default
        try? manager.removeItem(at: reference)
        try manager.createDirectory(at: reference.appendingPathComponent("images"), withIntermediateDirectories: true)
        for name in ["metrics.json", "resolved.yaml"] {
            try manager.copyItem(at: run.appendingPathComponent(name), to: reference.appendingPathComponent(name))
        }
        let images = (try? manager.contentsOfDirectory(atPath: run.appendingPathComponent("images").path)) ?? []
        for name in images where name.hasSuffix(".png") {
            try manager.copyItem(
                at: run.appendingPathComponent("images/\(name)"),
                to: reference.appendingPathComponent("images/\(name)"))
        }
    }

    static func compare(_ path: String, _ spec: ExperimentSpec, replayed: URL, reference: URL, tolerance: Double) throws
        -> Outcome
    {
        guard FileManager.default.fileExists(atPath: reference.appendingPathComponent("metrics.json").path) else {
            throw RunError("\(path): no reference in \(reference.path); make one with `runexp replay --record \(path)`")
        }
        let expected = try RunDiff.numbers(reference.path), actual = try RunDiff.numbers(replayed.path)
        var rows: [(String, Double?, Double?, Bool)] = []
        var misses: [String] = []
        for key in Set(expected.keys).union(actual.keys).sorted() {
            let x = expected[key], y = actual[key]
            var ok = x != nil && y != nil
            if let x, let y { ok = x == y || abs(x - y) <= tolerance * max(abs(x), abs(y)) }
            rows.append((key, x, y, ok))
            if !ok {
                misses.append(
                    "\(path): \(key) is \(y.map { "\($0)" } ?? "missing"), the reference says \(x.map { "\($0)" } ?? "nothing") (tolerance \(tolerance))"
                )
            }
        }
        let summary = actual.filter { !["epochs", "steps"].contains($0.key) }
        misses += Expectations.check(spec.expectations, summary).map { "\(path): expectation missed: \($0)" }
        return Outcome(spec: path, rows: rows, misses: misses)
    }

    /// The outcomes as one table.
    public static func table(_ outcomes: [Outcome]) -> String {
        var table = TextTable(
            ["spec", "metric", "reference", "replayed", ""], alignments: [.left, .left, .right, .right, .left])
        for outcome in outcomes {
            for row in outcome.rows {
                table.add([
                    outcome.spec, row.metric, row.reference.map { String(format: "%.6g", $0) } ?? "—",
                    row.replayed.map { String(format: "%.6g", $0) } ?? "—", row.ok ? "ok" : "MISS",
                ])
            }
        }
        return table.render(indent: 0)
    }
}
