import Data
import Foundation
import Graph
import Spec
import RunFolder
import Report

/// A spec that loaded, decoded and passed every check, with its shapes resolved.
public struct CheckedSpec: Sendable {
    public var spec: ExperimentSpec
    public var model: ModelSummary
    /// The data, when it had to be read to learn the shape of `x` (a file source).
    public var data: ExperimentData?
}

/// `runexp check`: loads a spec with its overrides and validates names and shapes, without training.
public enum SpecCheck {
    /// The checked spec of the finished run in `folder`, for `apply` and `export`: the folder's own
    /// `resolved.yaml` (the spec with the run's overrides, seed and mode), whatever has become of the
    /// spec file it was trained from since. `options` are the run's own (its run.json's command, the
    /// current folder the one it started in), so relative data paths resolve as the run resolved
    /// them: against the spec file's folder. Every problem is one located error.
    static func checkedRun(_ options: RunOptions, folder: String) throws -> CheckedSpec {
        let resolved = URL(fileURLWithPath: folder).appendingPathComponent("resolved.yaml").path
        guard FileManager.default.fileExists(atPath: resolved) else {
            throw RunError("\(folder) has no resolved.yaml, the spec its networks were built from")
        }
        let dataFolder = URL(fileURLWithPath: options.specPath).deletingLastPathComponent().path
        switch checkedLoad(SpecLoader.load(path: resolved), dataFolder: dataFolder) {
        case .success(let checked): return checked
        case .failure(let problems): throw LocatedError(problems, file: resolved)
        }
    }

    /// The checked spec, or every problem found (syntax, keys, names, then shapes).
    public static func run(
        path: String, overrides: [String] = [], seed: UInt64? = nil, determinism: DeterminismMode? = nil
    ) -> Result<CheckedSpec, SpecProblems> {
        checkedLoad(
            SpecLoader.load(path: path, overrides: overrides, seed: seed, determinism: determinism),
            dataFolder: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// A loaded spec checked, its data file read from `dataFolder` where it names one, or every
    /// problem found.
    static func checkedLoad(_ loaded: Result<ExperimentSpec, SpecProblems>, dataFolder folder: String) -> Result<
        CheckedSpec, SpecProblems
    > {
        loaded.mapError { problems in
            // The losses' own rules run even where the spec has other problems: all at once.
            problems.losses.map { problems.adding(ShapeInference.problemsOfWhatDecoded($0)) } ?? problems
        }.flatMap { spec in
            // A file is read here, as the run would read it: a missing or broken file is check's to
            // report, and without a declared shape the file decides the shape of x. The run reuses it.
            // So is the choice of labelled images (`data.labeled`), which needs the labels.
            guard spec.data.source.readsFile || spec.data.labeled != nil else { return validate(spec) }
            let data: ExperimentData
            do {
                data = try ExperimentData.load(spec.data, seed: spec.seed, specDirectory: folder)
            } catch {
                let problem =
                    error as? Diagnostic ?? Diagnostic(spec.data.sourceOrigin, "cannot read the data: \(error)")
                // The networks' own shapes are still checked, as far as they are known without the data.
                return .failure(SpecProblems([problem]).adding(ShapeInference.problemsOfWhatDecoded(spec.losses)))
            }
            // The resolved spec says which validation split the run uses: the file's own.
            return validate(data.sourceHasValidation ? spec.usingSourceValidation() : spec, data: data)
        }
    }

    /// Shapes and memory of a loaded spec, reading no file: `data`, when given, decides the shape
    /// of `x` (a file source); otherwise the spec's own `data.shape` or the source's does.
    public static func validate(_ spec: ExperimentSpec, data: ExperimentData? = nil) -> Result<
        CheckedSpec, SpecProblems
    > {
        // The rules below are independent of one another: every problem is reported at once.
        let setup = [ArithmeticSetup.problem(spec)].compactMap { $0 }
        let imageShape = data.map { $0.train.imageShape } ?? spec.data.source.sampleShape
        let labels = data.map { data in
            (labeled: data.labeled, classes: data.labeled ? (data.train.labels.max().map { Int($0) + 1 }) : nil)
        }
        let model: ModelSummary
        switch ShapeInference.run(spec, dataShape: spec.data.shape == nil ? imageShape : nil, labels: labels) {
        case .success(let resolved): model = resolved
        case .failure(let shapes): return .failure(shapes.adding(setup))
        }
        let splits = data?.available ?? OutputSplits.available(spec.data)
        let problems =
            setup
            + [
                MemoryEstimate(model: model, batchSize: spec.train.batchSize, phases: spec.phases).problem(
                    batchSize: spec.train.batchSize),
                sizeMismatch(spec, model: model, imageShape: imageShape),
                EvaluationPlan.earlyStopProblem(spec, model: model, available: splits),
                priorLabelsProblem(spec, data: data),
                tsneProblem(spec, data: data),
            ].compactMap { $0 }
        guard problems.isEmpty else { return .failure(SpecProblems([]).adding(problems)) }
        return .success(CheckedSpec(spec: spec, model: model, data: data))
    }

    /// A prior that draws each sample from its label's mode needs the labels of every training image.
    static func priorLabelsProblem(_ spec: ExperimentSpec, data: ExperimentData?) -> Diagnostic? {
        guard spec.prior?.followsLabels == true, data?.labeled == false || spec.data.labeled != nil else { return nil }
        let origin = spec.resolved.entries?.first { $0.key == "prior" }?.value.origin ?? .defaulted
        let message =
            spec.data.labeled == nil
            ? "prior.mixture.by_label draws each sample from its label's mode, but the data has no labels"
            : "prior.mixture.by_label draws each sample from its label's mode, but data.labeled keeps only \(spec.data.labeled!) training labels"
        return Diagnostic(origin, message)
    }

    /// The run's t-SNE map (its first `tsne` output) must have more points than `3 × perplexity`,
    /// by the run's own rule (`CodeOutputs.tooFewPoints`): of its `points`, and where the data has
    /// been read, of its split's images.
    static func tsneProblem(_ spec: ExperimentSpec, data: ExperimentData?) -> Diagnostic? {
        for output in spec.outputs {
            guard case .tsne(let split, let points, let perplexity, let encoder) = output.kind else { continue }
            let available = data?.available ?? OutputSplits.available(spec.data)
            let chosen = Split.serving(split, among: available)
            let settings = CodeOutputs.TSNESettings(
                split: chosen, points: points, perplexity: perplexity, encoder: encoder, origin: output.origin)
            let why = CodeOutputs.tooFewPoints(settings, splitCount: data?.split(chosen)?.count)
            return why.map { Diagnostic(output.origin, $0) }
        }
        return nil
    }

    /// The images must hold as many values as `x` has: `data.shape` reshapes, it cannot resize.
    static func sizeMismatch(_ spec: ExperimentSpec, model: ModelSummary, imageShape: SampleShape?) -> Diagnostic? {
        guard let imageShape, let x = model.dataShape, imageShape.elementCount != x.elementCount else { return nil }
        return Diagnostic(
            spec.data.origin,
            "each image holds \(imageShape.elementCount) values (\(imageShape.shapeText)), but the networks expect "
                + "\(x.elementCount) (x is \(x.shapeText)); set data.shape or change the first layer")
    }

    /// Every problem of the spec `file`, a line each, then how many: what `check` and a run print.
    public static func describe(_ problems: SpecProblems, file: String) -> String {
        let count = problems.diagnostics.count
        return problems.description + "\n\(count) error\(count == 1 ? "" : "s") in \(file)"
    }

    /// `checked` with its data read where checking did not need it (an embedded set), as the run
    /// reads it: the split sizes `check`'s evaluation estimate counts. Unreadable data stays unread.
    public static func readingData(_ checked: CheckedSpec, specFolder: String) -> CheckedSpec {
        guard checked.data == nil else { return checked }
        var read = checked
        read.data = try? ExperimentData.load(checked.spec.data, seed: checked.spec.seed, specDirectory: specFolder)
        return read
    }

    /// The report `runexp check` prints for a valid spec.
    public static func report(_ checked: CheckedSpec) -> String {
        var sections = ["\(checked.spec.file): valid (\(checked.spec.name), seed \(checked.spec.seed))"]
        if let shape = checked.model.dataShape {
            sections.append("data: \(dataDescription(checked.spec.data)), x is \(shape.shapeText) per sample")
        }
        if let names = checked.data?.classNames {
            sections.append("classes: " + ImageFolder.describe(classes: names))
        }
        if let skipped = checked.data?.skipped, !skipped.isEmpty {
            sections.append(
                "note: skipped \(skipped.count) unreadable files:\n" + skipped.map { "  \($0)" }.joined(separator: "\n")
            )
        }
        let splits = checked.data?.available ?? OutputSplits.available(checked.spec.data)
        let labeled = checked.data?.labeled ?? true  // the embedded sets are labelled
        sections += OutputSplits.notes(checked.spec, available: splits, labeled: labeled).map { "note: \($0)" }
        sections += checked.model.networks.map { network in
            networkTable(network, heads: checked.spec.networks.first { $0.name == network.name }?.heads ?? [])
        }
        sections.append(phaseTable(checked))
        let sizes = checked.data.map { data in
            Dictionary(uniqueKeysWithValues: splits.compactMap { name in data.split(name).map { (name, $0.count) } })
        }
        sections.append(EvaluationPlan(checked.spec, model: checked.model, available: splits).describe(sizes: sizes))
        sections.append(
            "resolved spec (# where each value came from):\n"
                + ResolvedWriter(showOrigins: true).write(checked.spec.resolved)
                .split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n"))
        return sections.joined(separator: "\n\n")
    }

    static func networkTable(_ network: NetworkSummary, heads: [NetworkSpec.Head] = []) -> String {
        var table = TextTable(
            ["#", "layer", "output", "params", "FLOPs/sample"],
            alignments: [.right, .left, .left, .right, .right])
        table.add(["", "input", network.input.shapeText, "", ""])
        for (index, layer) in network.layers.enumerated() {
            table.add([
                String(index), layer.spec.summary, layer.output.shapeText, groupedDigits(layer.parameterCount),
                groupedDigits(layer.flops),
            ])
        }
        var offset = 0
        for head in heads {
            table.add(["", ".\(head.name)", "\(head.size) (features \(offset)…\(offset + head.size - 1))", "", ""])
            offset += head.size
        }
        table.add(["", "total", "", groupedDigits(network.parameterCount), groupedDigits(network.flops)])
        return "network \(network.name): \(network.input.shapeText) → \(network.output.shapeText), "
            + "\(compactCount(network.parameterCount)) parameters, \(compactCount(network.flops))FLOPs per sample\n"
            + table.render()
    }

    static func phaseTable(_ checked: CheckedSpec) -> String {
        var table = TextTable(
            ["phase", "loss", "updates", "passes through", "optimizer"],
            alignments: [.left, .left, .left, .left, .left])
        for (phase, spec) in zip(checked.model.phases, checked.spec.phases) {
            let cadence =
                (spec.repeats > 1 ? " ×\(spec.repeats)" : "") + (spec.every > 1 ? " every \(spec.every)" : "")
                + (spec.batches == .labeled ? " on labelled" : "") + (spec.condition != nil ? " when…" : "")
            table.add([
                phase.name + cadence, phase.loss, phase.updates.joined(separator: ", "),
                phase.passesThrough.isEmpty ? "—" : phase.passesThrough.joined(separator: ", "),
                spec.schedule.describe(phase.optimizer),
            ])
        }
        let train = checked.spec.train
        // A phase on labelled batches draws its own batch of the kept labels at its turn.
        let kept = checked.spec.data.labeled.map { "\($0) labelled" } ?? "training"
        let labeled =
            checked.spec.phases.contains { $0.batches == .labeled }
            ? " (a phase on labelled takes a batch of its own from the \(kept) images)" : ""
        let order =
            train.updates == .together
            ? "together (each forward and backward from the step's weights and one draw of z, then every update)"
            : "in order"
        let gated =
            checked.spec.phases.contains { $0.condition != nil }
            ? "\n(when…: the phase updates only on the steps its when: allows; metrics.jsonl counts the others)" : ""
        return
            "schedule: every batch of \(train.batchSize) runs these phases \(order), for \(train.epochs) epochs\(labeled)\(gated)\n"
            + table.render()
    }

    static func dataDescription(_ data: DataSpec) -> String {
        switch data.source {
        case .mnist: return "embedded MNIST"
        case .mnistM: return "embedded MNIST-M"
        case .fashionMNIST: return "Fashion-MNIST"
        case .npy(let path, _): return path
        case .npz(let path), .homework(let path): return path
        case .idx(let directory): return directory
        case .images(let folder): return folder.directory
        case .cifar10(let directory), .cifar100(let directory): return directory
        }
    }
}
