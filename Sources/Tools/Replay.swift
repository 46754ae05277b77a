import Data
import Foundation
import Spec
import RunFolder
import Runner
import Report

/// `runexp replay`: re-runs committed specs with the reduced budget each declares (`replay:`) and
/// compares the results with the references committed under `results/<name>/`.
///
/// A replay runs in portable determinism (unless told otherwise), so a reference recorded on one
/// machine is met bit for bit on any other: its parameter digest and images must be identical,
/// and `reference.json` beside it says which mode, kernels and threads recorded it.
public enum Replay {
    /// One spec's outcome: the metrics compared, what missed, and what the reader should know.
    public struct Outcome: Sendable {
        public var spec: String
        public var rows: [(metric: String, reference: Double?, replayed: Double?, ok: Bool)]
        public var misses: [String]
        /// Why differences are expected (the reference ran other kernels), when they are.
        public var notes: [String] = []
    }

    /// The mode `--determinism` names, or nil.

    /// The file beside a reference's metrics that records how it was computed.
    static let referenceFacts = "reference.json"

    /// The `--set` arguments that shrink a spec to its replay budget.
    static func budget(_ spec: ExperimentSpec) -> (overrides: [String], tolerance: Double) {
        // Without a `replay:` block a spec replays one epoch, compared at the default tolerance.
        var overrides = ["train.epochs=\(spec.replay?.epochs ?? 1)"]
        if let limit = spec.replay?.trainLimit { overrides.append("data.train_limit=\(limit)") }
        return (overrides, spec.replay?.tolerance ?? 1e-4)
    }

    /// Replays `specPath` in `mode`; with `record`, writes the references instead of comparing.
    /// A comparison runs with the thread count the reference was recorded with.
    public static func run(
        specPath: String, results: String, record: Bool, mode: DeterminismMode = .portable, console: RunConsole
    ) throws -> Outcome {
        let spec = try SpecLoader.load(path: specPath).mapError { RunError($0.description) }.get()
        let (overrides, tolerance) = budget(spec)
        let reference = URL(fileURLWithPath: results).appendingPathComponent(spec.name)
        let recorded = record ? nil : ArithmeticSetup.recorded(in: reference.appendingPathComponent(referenceFacts))
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "runexp-replay-\(getpid())-\(spec.name)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var options = RunOptions(specPath: specPath)
        options.overrides = overrides
        options.determinism = mode
        options.threads = recorded?.threads
        options.out = scratch.path
        options.force = true
        let quiet = RunConsole(progress: { _ in }, message: { _ in }, error: { _ in }, isTerminal: false)
        let result = RunCommand.run(options, console: quiet)
        // A missed expectation is the comparison's to report, with the rest.
        guard result == .done || result == .missedExpectation else {
            throw RunError("\(specPath): the replay run did not complete (\(result))")
        }
        if record {
            try recordReference(from: scratch, to: reference)
            console.message("\(specPath): recorded \(reference.path)")
            return Outcome(spec: specPath, rows: [], misses: [])
        }
        var outcome = try compare(specPath, spec, replayed: scratch, reference: reference, tolerance: tolerance)
        compareImageNames(&outcome, replayed: scratch, reference: reference)
        let replayed = ArithmeticSetup.recorded(in: scratch.appendingPathComponent("run.json"))
        try compareBits(&outcome, replayed: (scratch, replayed), reference: (reference, recorded))
        return outcome
    }

    static func recordReference(from run: URL, to reference: URL) throws {
        let manager = FileManager.default
        try? manager.removeItem(at: reference)
        try manager.createDirectory(at: reference.appendingPathComponent("images"), withIntermediateDirectories: true)
        for name in ["metrics.json", "resolved.yaml"] {
            try manager.copyItem(at: run.appendingPathComponent(name), to: reference.appendingPathComponent(name))
        }
        try ArithmeticSetup.copyFacts(
            from: run.appendingPathComponent("run.json"), to: reference.appendingPathComponent(referenceFacts))
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
            if let x, !x.isFinite {
                // No run writes one: an edited or damaged reference must not match anything.
                ok = false
                misses.append("\(path): the reference's \(key) is \(x), not a finite number; record it again")
                rows.append((key, x, y, ok))
                continue
            }
            rows.append((key, x, y, ok))
            if !ok {
                misses.append(
                    "\(path): \(key) is \(y.map { "\($0)" } ?? "missing"), the reference says \(x.map { "\($0)" } ?? "nothing") (tolerance \(tolerance))"
                )
            }
        }
        let summary = actual.filter { ![RunCount.epochs.key, RunCount.steps.key].contains($0.key) }
        misses += Expectations.check(spec.expectations, summary).map { "\(path): expectation missed: \($0)" }
        return Outcome(spec: path, rows: rows, misses: misses)
    }

    /// The replay and the reference must hold the same images, whatever kernels either ran: one
    /// the replay writes that the reference lacks (deleted from it) is a miss, and so is the reverse.
    static func compareImageNames(_ outcome: inout Outcome, replayed: URL, reference: URL) {
        let written = Set(RunDiff.pngs(replayed.path)), kept = Set(RunDiff.pngs(reference.path))
        for image in written.subtracting(kept).sorted() {
            outcome.misses.append("\(outcome.spec): \(image) is written by the replay but missing from the reference")
        }
        for image in kept.subtracting(written).sorted() {
            outcome.misses.append("\(outcome.spec): \(image) is in the reference but the replay does not write it")
        }
    }

    /// Where the replay ran the reference's kernels on its threads, requires the same bits: the
    /// same parameter digest and the same pixels in every image. Otherwise notes why differences
    /// are expected (or that the reference does not say how it was recorded).
    static func compareBits(
        _ outcome: inout Outcome, replayed: (folder: URL, setup: ArithmeticSetup?),
        reference: (folder: URL, setup: ArithmeticSetup?)
    ) throws {
        let path = outcome.spec
        guard let mine = replayed.setup else { return }
        guard let theirs = reference.setup else {
            outcome.notes.append(
                "\(path): the reference does not say how it was recorded (no \(referenceFacts)); "
                    + "`runexp replay --record \(path)` records it in portable determinism")
            return
        }
        if let why = ArithmeticSetup.expectedDifference(theirs, mine) {
            outcome.notes.append(
                "\(path): the reference ran \(theirs.summary); this replay ran \(mine.summary): \(why)")
            return
        }
        let digest = (try? RunFiles.metrics(replayed.folder))?[RunCount.parameterDigest.key]?.stringValue
        let expected = (try? RunFiles.metrics(reference.folder))?[RunCount.parameterDigest.key]?.stringValue
        if digest != expected {
            outcome.misses.append(
                "\(path): the parameters are not the reference's bits (digest \(digest ?? "missing"), the reference "
                    + "says \(expected ?? "nothing")) although both ran \(mine.summary)")
        }
        // An image only one side has is `compareImageNames`'s miss.
        for image in RunDiff.pngs(reference.folder.path)
        where FileManager.default.fileExists(atPath: replayed.folder.appendingPathComponent(image).path) {
            let original = try PNGImage.readRGB(path: reference.folder.appendingPathComponent(image).path)
            let copy = try? PNGImage.readRGB(path: replayed.folder.appendingPathComponent(image).path)
            if copy != original {
                outcome.misses.append(
                    "\(path): \(image) is not the reference's pixels although both ran \(mine.summary)")
            }
        }
    }

    /// The outcomes as one table.
    public static func table(_ outcomes: [Outcome]) -> String {
        var table = TextTable(
            ["spec", "metric", "reference", "replayed", "relative", ""],
            alignments: [.left, .left, .right, .right, .right, .left])
        for outcome in outcomes {
            for row in outcome.rows {
                var relative = "—"
                if let x = row.reference, let y = row.replayed {
                    relative = x == y ? "0" : String(format: "%.1e", abs(x - y) / max(abs(x), abs(y)))
                }
                table.add([
                    outcome.spec, row.metric, row.reference.map { String(format: "%.6g", $0) } ?? "—",
                    row.replayed.map { String(format: "%.6g", $0) } ?? "—", relative, row.ok ? "ok" : "MISS",
                ])
            }
        }
        return table.render(indent: 0)
    }
}
