import Data
import Foundation
import Graph
import Kernels
import Spec
import RunFolder

/// One run's result directory as it is written: the spec, the resolved spec, `run.json` with the
/// status, the metrics and the outputs.
struct RunSession {
    let options: RunOptions
    let checked: CheckedSpec
    let arithmetic: ArithmeticSetup
    let trainer: Trainer
    let folder: ResultDirectory
    let started = Date()
    let history = TrainingHistory()

    /// A digest of the resolved values (not their origins): a resumed run must have the same.
    var specDigest: String { digest(ResolvedWriter(showOrigins: false).write(checked.spec.resolved).utf8) }

    /// Continues a run folder: restores the last checkpoint and keeps the metrics it covers.
    func resume(console: RunConsole) throws {
        let log = (try? String(contentsOfFile: folder.path("metrics.jsonl"), encoding: .utf8)) ?? ""
        var upTo = 0
        if Checkpoint.exists(in: folder) {
            try Checkpoint.restore(trainer, from: folder, specDigest: specDigest)
            upTo = trainer.step
            console.message("resuming after epoch \(trainer.epochsDone) (step \(trainer.step))")
        } else {
            console.message("no checkpoint in \(folder.url.path) yet: starting from the beginning")
        }
        let kept = history.reload(log, upTo: upTo, phases: checked.spec.phases.map(\.name))
        trainer.finalMetrics = history.final
        try folder.write("metrics.jsonl", kept.map { $0 + "\n" }.joined())
    }

    func begin() throws {
        let text = (try? String(contentsOfFile: options.specPath, encoding: .utf8)) ?? ""
        try folder.write("spec.yaml", text)
        try folder.write("resolved.yaml", ResolvedWriter(showOrigins: true).write(checked.spec.resolved))
        try writeStatus("running")
    }

    /// `run.json`: the facts of the run. Timings and the machine live here only, so that two runs
    /// of the same spec and seed produce identical metrics and images.
    func writeStatus(
        _ status: String, finished: Date? = nil, notes: [String] = [], failedOutputs: [OutputFailure] = []
    ) throws {
        var facts: [String: JSON] = [
            "status": .string(status), "spec": .string(options.specPath), "name": .string(checked.spec.name),
            "seed": .integer(Int(checked.spec.seed)), "runexp_version": .string(RunexpVersion.string),
            "command": .array(options.commandLine.map(JSON.string)),
            "cwd": .string(FileManager.default.currentDirectoryPath),
            "blas": .string(blasDescription()), "blas_thread_timeout": .integer(blasWorkerPollSetting()),
            "host": .string(ProcessInfo.processInfo.hostName), "cpu": .string(ProcessorDescription.current.model),
            "started": .string(ISO8601DateFormatter().string(from: started)),
            "steps": .integer(trainer.step), "epochs_done": .integer(trainer.epochsDone),
            "spec_digest": .string(specDigest), "code_digest": .string(RunexpVersion.codeDigest),
        ]
        facts.merge(arithmetic.facts) { $1 }
        facts["data"] = dataFacts
        if let early = trainer.earlyStopping, early.bestEpoch > 0 {
            facts["early_stop"] = .object([
                "metric": .string(early.spec.metric.name), "best_epoch": .integer(early.bestEpoch),
                "best_value": .number(early.bestValue), "stopped": .bool(early.exhausted),
            ])
        }
        if !notes.isEmpty { facts["notes"] = .array(notes.map(JSON.string)) }
        if !failedOutputs.isEmpty { facts["failed_outputs"] = .array(failedOutputs.map(\.json)) }
        if finished != nil {
            facts["stages"] = trainer.clock.json
            facts["evaluation_passes"] = .integer(trainer.evaluationPasses)
        }
        if let finished {
            facts["finished"] = .string(ISO8601DateFormatter().string(from: finished))
            facts["seconds"] = .number((finished.timeIntervalSince(started) * 1000).rounded() / 1000)
        }
        // What a second Ctrl-C, which ends the process at once, leaves while the run is running.
        let lastWords = status == "running" ? facts.merging(["status": .string("interrupted")]) { $1 } : nil
        try StopSignal.critical {
            try folder.write("run.json", JSON.object(facts).pretty)
            StopSignal.setLastWords(lastWords.map { Data(JSON.object($0).pretty.utf8) }, at: folder.path("run.json"))
        }
    }

    /// Where the data came from and, where the source names them, its classes (label 0 first) and
    /// the files it left out.
    var dataFacts: JSON {
        let data = trainer.data
        var facts: [String: JSON] = ["source": .string(data.description), "train": .integer(data.train.count)]
        if let names = data.classNames { facts["classes"] = .array(names.map(JSON.string)) }
        if !data.skipped.isEmpty {
            facts["skipped"] = .array(
                data.skipped.map { .object(["file": .string($0.source), "why": .string($0.problem)]) })
        }
        return .object(facts)
    }

    /// What early stopping did, when the spec asks for it: which epoch's parameters are kept.
    var earlyStopNote: String? {
        guard let early = trainer.earlyStopping, early.bestEpoch > 0 else { return nil }
        let value = String(format: "%.6g", early.bestValue)
        let why =
            early.exhausted
            ? "\(early.spec.metric) did not improve for \(early.spec.patience) epochs after epoch \(early.bestEpoch); "
            : ""
        return "early stop: \(why)the outputs use epoch \(early.bestEpoch)'s parameters (\(early.spec.metric) \(value))"
    }

    func finish(_ outcome: TrainingOutcome, console: RunConsole) throws -> RunResult {
        switch outcome {
        case .interrupted(let epoch):
            try writeStatus("interrupted", finished: Date())
            try? LiveReport(session: self).stopped(
                "interrupted during epoch \(epoch + 1); `runexp resume \(folder.url.path)` continues it")
            let checkpoint = trainer.checkpoints.epoch
            console.message(
                "interrupted during epoch \(epoch + 1); partial results in \(folder.url.path); --resume continues "
                    + (checkpoint > 0 ? "after epoch \(checkpoint), the last checkpoint" : "from the beginning"))
            return .interrupted
        case .pruned(let why):
            return try finishPruned(why, console: console)
        case .failed(let why):
            try writeStatus("failed: \(why)", finished: Date())
            try? LiveReport(session: self).stopped("failed: \(why)")
            console.message("failed: \(why)")
            return .failed
        case .complete:
            let summary: [String: Double]
            let notes: [String]
            var failures: [OutputFailure] = []
            do {
                let terminal = console.isTerminal
                if terminal { console.progress("writing the outputs…") }
                // The progress line goes before any message is printed under it.
                defer { if terminal { console.progress("") } }
                let clock = trainer.clock
                let outputs = RunOutputs(session: self, history: history)
                let (measured, written) = try clock.measure(.outputs) {
                    (
                        try writeOutputs(failures: &failures) { line in if terminal { console.progress(line) } },
                        try outputs.write(failures: &failures)
                    )
                }
                summary = measured
                notes = earlyStopNote.map { [$0] + written.notes } ?? written.notes
                try StopSignal.throwIfRequested()
                try clock.measure(.report) {
                    try outputs.writeReport(
                        summary: summary, figures: written.figures, notes: notes, failures: failures)
                }
            } catch is StopSignal.Interrupted {
                // Training is whole and checkpointed: --resume only writes the outputs again.
                try writeStatus("interrupted", finished: Date())
                console.message("interrupted while writing the outputs; --resume \(folder.url.path) writes them again")
                return .interrupted
            }
            for note in notes { console.message("note: \(note)") }
            try writeStatus("complete", finished: Date(), notes: notes, failedOutputs: failures)
            let misses = Expectations.check(checked.spec.expectations, summary)
            console.message(trainer.clock.summary)
            console.message("report: \(folder.path("report.html"))")
            for failure in failures { console.message("error: \(failure.line)") }
            for miss in misses { console.message("expectation missed: \(miss)") }
            if !failures.isEmpty { return .outputsFailed }
            return misses.isEmpty ? .done : .missedExpectation
        }
    }

    /// A trial the study's pruning rule stopped: its figures are those of its last epoch, and it
    /// writes no outputs.
    func finishPruned(_ why: String, console: RunConsole) throws -> RunResult {
        let last = history.epochs.last
        var members: [String: JSON] = [:]
        for (metric, value) in last?.values ?? [] { members[metric.name] = .number(value) }
        for (phase, value) in last?.losses ?? [] { members[Metric.phaseLossKey(phase)] = .number(value) }
        members[RunCount.parameterDigest.key] = .string(trainer.parameterDigest)
        members[RunCount.steps.key] = .integer(trainer.step)
        members[RunCount.epochs.key] = .integer(trainer.epochsDone)
        try folder.write("metrics.json", JSON.object(members).pretty)
        try writeStatus("pruned: \(why)", finished: Date())
        try? LiveReport(session: self).stopped("pruned: \(why)")
        console.message("pruned \(why)")
        return .done
    }

    /// `metrics.json` and the outputs; returns the summary metrics. `progress` hears how far a
    /// long output (the t-SNE map) is.
    func writeOutputs(failures: inout [OutputFailure], progress: @escaping (String) -> Void) throws -> [String: Double]
    {
        try StopSignal.throwIfRequested()
        var summary: [String: Double] = [:]
        // The final weights are the last epoch's, or with early stopping the best epoch's: that
        // epoch's evaluation is the final one.
        let kept = trainer.earlyStopping?.bestEpoch ?? 0
        let final = history.epochs.last { $0.epoch == kept } ?? history.epochs.last
        // The splits measured once after training complete the kept epoch's figures.
        for measured in [final, history.final] {
            for (metric, value) in measured?.values ?? [] { summary[metric.name] = value }
        }
        for (phase, value) in final?.losses ?? [] { summary[Metric.phaseLossKey(phase)] = value }
        if let early = trainer.earlyStopping, early.bestEpoch > 0 {
            summary[RunCount.bestEpoch.key] = Double(early.bestEpoch)
        }
        let codes = CodeOutputs(trainer: trainer, folder: folder, progress: progress)
        summary.merge(try codes.write(failures: &failures)) { $1 }
        for output in checked.spec.outputs {
            guard let parzen = ParzenOutput(output, trainer: trainer) else { continue }
            progress("measuring the Parzen-window log-likelihood…")
            summary.merge(try OutputFailure.catching(output, into: &failures) { try parzen.measure() } ?? [:]) { $1 }
        }
        var members: [String: JSON] = summary.mapValues(JSON.number)
        members[RunCount.parameterDigest.key] = .string(trainer.parameterDigest)
        members[RunCount.steps.key] = .integer(trainer.step)
        members[RunCount.epochs.key] = .integer(trainer.epochsDone)
        try folder.write("metrics.json", JSON.object(members).pretty)
        return summary
    }
}

/// `expect:` checked against the summary metrics.
public enum Expectations {
    /// One line per missed expectation.
    public static func check(_ expectations: [Expectation], _ metrics: [String: Double]) -> [String] {
        expectations.compactMap { expectation in
            guard let value = metrics[expectation.metric] else {
                return "\(expectation.metric) was not measured by this run (\(expectation.origin.place))"
            }
            if let minimum = expectation.minimum, value < minimum {
                return "\(expectation.metric) = \(value), below the minimum \(minimum) (\(expectation.origin.place))"
            }
            if let maximum = expectation.maximum, value > maximum {
                return "\(expectation.metric) = \(value), above the maximum \(maximum) (\(expectation.origin.place))"
            }
            return nil
        }
    }
}
