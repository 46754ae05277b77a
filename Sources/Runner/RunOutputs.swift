import Data
import Foundation
import Kernels
import Report
import Spec
import RunFolder

/// Writes what a finished run shows: curves, reconstructions and the HTML report.
struct RunOutputs {
    let session: RunSession
    let history: TrainingHistory
    var spec: ExperimentSpec { session.checked.spec }
    var folder: ResultDirectory { session.folder }

    /// Writes every output the spec asks for, each on its own: one that fails is recorded in
    /// `failures` and the others are still written. Returns the images and plots written, for the
    /// report, and notes about outputs this version cannot make yet.
    func write(failures: inout [OutputFailure]) throws -> (figures: [(path: String, caption: String)], notes: [String])
    {
        var figures: [(String, String)] = []
        let splits = session.trainer.data.available
        let notes = OutputSplits.notes(spec, available: splits, labeled: session.trainer.data.labeled)
        var curvesWritten = 0
        for output in spec.outputs {
            try StopSignal.throwIfRequested()
            if case .curves = output.kind { curvesWritten += 1 }
            let written = try OutputFailure.catching(output, into: &failures) {
                try self.figures(of: output, curvesBefore: curvesWritten - 1, splits: splits)
            }
            figures += written ?? []
        }
        return (figures, notes)
    }

    /// The figures of one output (`curvesBefore`: how many `curves` outputs came before it).
    private func figures(of output: OutputSpec, curvesBefore: Int, splits: [Split]) throws -> [(String, String)] {
        switch output.kind {
        case .curves(let phases):
            return try curves(phases.isEmpty ? spec.phases.map(\.name) : phases, number: curvesBefore)
        case .reconstructions(let split, let count):
            return try reconstructions(Split.serving(split, among: splits), count).map { [$0] } ?? []
        case .tsne(let split, _, let perplexity, _):
            // Drawn by CodeOutputs before metrics.json, since its accuracy is a summary metric.
            let figure = CodeOutputs.tsneFigure(
                in: folder, split: Split.serving(split, among: splits), perplexity: perplexity,
                labeled: session.trainer.data.labeled)
            return figure.map { [$0] } ?? []
        case .latent:
            return try LatentOutputs(output, trainer: session.trainer, folder: folder)?.write() ?? []
        case .parzen:
            return []  // a summary metric, measured by ParzenOutput before metrics.json
        }
    }

    /// The loss curves of `phases`. The first `curves` output (`number` 0) writes `plots/curves` and
    /// `plots/epoch_losses`, and the plots of the whole run (MSE per epoch, the discriminator); a
    /// later one adds its own `plots/curves-2`, `plots/epoch_losses-2`, … beside them.
    func curves(_ phases: [String], number: Int) throws -> [(String, String)] {
        let suffix = number == 0 ? "" : "-\(number + 1)"
        let which = number == 0 ? "Each phase's" : phases.joined(separator: ", ") + ":"
        var losses = LinePlot(title: "\(spec.name): phase losses", xLabel: "step", yLabel: "loss")
        for (index, phase) in phases.enumerated() {
            let points = history.steps.compactMap { record in record.losses[phase].map { (Double(record.step), $0) } }
            let color = PlotColor.palette(index)
            losses.add(
                .init(
                    name: "\(phase), each logged step", x: points.map(\.0), y: points.map(\.1), color: color,
                    opacity: 0.3))
            losses.add(
                .init(
                    name: "\(phase), smoothed", x: points.map(\.0),
                    y: Smoothing.centredExponentialAverage(points.map(\.1)), color: color))
        }
        losses.useLogarithmicYWhenCurvesDiffer()
        try write(losses, "plots/curves\(suffix)")
        let scale = losses.logarithmicY ? "; log scale, the phases' losses differ by over 100×" : ""
        var figures = [
            (
                "plots/curves\(suffix).png",
                "\(which) loss over training (faint: the mean of each logged step; solid: smoothed, a centred "
                    + "exponential average, weights 0.9^distance on both sides, which does not lag behind the "
                    + "steps\(scale))"
            )
        ]
        if number == 0, let terms = try termCurves() { figures.append(terms) }
        let epochs = history.epochs
        figures += try epochCurves(phases, epochs, suffix: suffix, which: which)
        let final = history.final?.splitMSE ?? []
        guard number == 0, epochs.contains(where: { !$0.splitMSE.isEmpty }) || !final.isEmpty else { return figures }
        var mse = LinePlot(
            title: "\(spec.name): reconstruction MSE per epoch", xLabel: "epoch", yLabel: "per-pixel MSE")
        for split in Split.allCases {
            let points = epochs.compactMap { e in
                e.splitMSE.first { $0.split == split }.map { (Double(e.epoch), $0.value) }
            }
            if !points.isEmpty {
                mse.add(.init(name: split.name, x: points.map(\.0), y: points.map(\.1), style: .lineWithMarkers))
            }
        }
        // A split measured once after training (`train.evaluate.final`) is one point at its epoch.
        for (split, value) in final {
            let epoch = Double(history.final?.epoch ?? 0)
            mse.add(.init(name: "\(split) (after training)", x: [epoch], y: [value], style: .lineWithMarkers))
        }
        for format in [FigureFormat.png, .svg] {
            try folder.write("plots/mse.\(format == .png ? "png" : "svg")", Data(try mse.render(format)))
        }
        figures.append(("plots/mse.png", "Reconstruction MSE of each split measured, per epoch"))
        return figures
    }

    /// Each phase's mean loss per epoch and, for adversarial specs, the discriminator's accuracy.
    func epochCurves(_ phases: [String], _ epochs: [EpochMetrics], suffix: String, which: String) throws -> [(
        String, String
    )] {
        var figures: [(String, String)] = []
        var losses = LinePlot(title: "\(spec.name): mean phase loss per epoch", xLabel: "epoch", yLabel: "loss")
        for phase in phases {
            let points = epochs.compactMap { e in
                e.losses.first { $0.phase == phase }.map { (Double(e.epoch), $0.value) }
            }
            losses.add(.init(name: phase, x: points.map(\.0), y: points.map(\.1), style: .lineWithMarkers))
        }
        losses.useLogarithmicYWhenCurvesDiffer()
        try write(losses, "plots/epoch_losses\(suffix)")
        figures.append(("plots/epoch_losses\(suffix).png", "\(which) mean loss over every epoch"))
        let accuracy = epochs.compactMap { e in e[.discriminatorAccuracy].map { (Double(e.epoch), $0) } }
        guard suffix.isEmpty, !accuracy.isEmpty else { return figures }
        var plot = LinePlot(
            title: "\(spec.name): discriminator accuracy, prior samples against codes", xLabel: "epoch",
            yLabel: "accuracy")
        plot.yRange = 0...1
        plot.add(
            .init(name: "discriminator accuracy", x: accuracy.map(\.0), y: accuracy.map(\.1), style: .lineWithMarkers))
        plot.add(
            .init(
                name: "chance (codes indistinguishable)", x: accuracy.map(\.0), y: accuracy.map { _ in 0.5 },
                opacity: 0.5))
        try write(plot, "plots/discriminator")
        let judged = session.trainer.data.heldOut.name
        figures.append(
            ("plots/discriminator.png", "How often the discriminator tells prior samples from \(judged) codes"))
        return figures
    }

    func write(_ plot: LinePlot, _ base: String) throws {
        try folder.write("\(base).png", Data(try plot.render(.png)))
        try folder.write("\(base).svg", Data(try plot.render(.svg)))
    }

    /// `count` images of `split` chosen by the seed, above their reconstructions.
    func reconstructions(_ name: Split, _ count: Int) throws -> (String, String)? {
        guard let split = session.trainer.data.split(name), split.count > 0 else { return nil }
        var stream = RandomStream(seed: spec.seed, name: "outputs/reconstructions")
        let chosen = Array(
            Shuffling.permutation(count: split.count, random: &stream).prefix(count))
        guard let outputs = try session.trainer.reconstructions(of: split, chosen) else { return nil }
        let shape = split.imageShape
        let (height, width, channels) = (shape[0], shape[1], shape.count > 2 ? shape[2] : 1)
        let size = height * width * channels
        let originals = try chosen.map { index in
            try GridImage(
                height: height, width: width, channels: channels,
                bytes: try split.imageBytes(at: index))
        }
        let rebuilt = try chosen.indices.map { row in
            try GridImage(
                height: height, width: width, channels: channels,
                values: Array(outputs[(row * size)..<((row + 1) * size)]))
        }
        let grid = ImageGrid(
            rows: [.init(label: "original", images: originals), .init(label: "reconstruction", images: rebuilt)],
            scale: 4)
        try folder.write("images/reconstructions.png", Data(try grid.pngBytes()))
        return (
            "images/reconstructions.png",
            "\(chosen.count) random \(name) images (top) and their reconstructions (bottom)"
        )
    }

    /// `report.html`: one self-contained page with the facts, the spec, the metrics and the figures.
    /// `live`, for a run still going or stopped early: a line saying so, and whether the page
    /// reloads itself; such a page has no final metrics.
    func writeReport(
        summary: [String: Double], figures: [(path: String, caption: String)], notes: [String],
        failures: [OutputFailure] = [], live: (status: String, refreshSeconds: Int?)? = nil
    ) throws {
        var page = HTMLReport(title: "runexp: \(spec.name)")
        for failure in failures { page.addParagraph("Not written: \(failure.line)") }
        if let live {
            page.addParagraph(live.status)
            page.refreshSeconds = live.refreshSeconds
        }
        if let description = spec.description {
            page.addParagraph(description)
            // The spec's words describe the spec's data, which the command line may have replaced.
            if case .argument(let given) = spec.data.sourceOrigin {
                page.addParagraph(
                    "That is the spec's description; this run's data was set on the command line: \(given).")
            }
        }
        page.addFacts(
            [
                ("spec", session.options.specPath), ("seed", String(spec.seed)),
                ("data", session.trainer.data.description),
                (
                    "splits",
                    session.trainer.data.available.map { name in
                        "\(name) \(groupedDigits(session.trainer.data.split(name)?.count ?? 0))"
                    }.joined(separator: ", ")
                ),
                ("epochs", String(session.trainer.epochsDone)), ("steps", String(session.trainer.step)),
                ("parameters", groupedDigits(session.checked.model.networks.reduce(0) { $0 + $1.parameterCount })),
                ("runexp", RunexpVersion.string),
            ], heading: "Run")
        let splits = Split.allCases.filter { s in
            history.epochs.contains { $0.splitMSE.contains { $0.split == s } }
        }
        let phases = spec.phases.map(\.name)
        page.addTable(
            header: ["epoch"] + phases.map { "\($0) loss" } + splits.map { "\($0) MSE" },
            rows: history.epochs.map { e in
                [String(e.epoch)] + phases.map { p in e.losses.first { $0.phase == p }.map { format($0.value) } ?? "" }
                    + splits.map { s in e.splitMSE.first { $0.split == s }.map { format($0.value) } ?? "" }
            }, heading: "Metrics per epoch")
        if live == nil {
            page.addTable(
                header: ["metric", "value"], rows: summary.keys.sorted().map { [$0, format(summary[$0]!)] },
                heading: "Final metrics")
        }
        for figure in figures {
            let svg = figure.path.replacingOccurrences(of: ".png", with: ".svg")
            if figure.path.hasPrefix("plots/"), FileManager.default.fileExists(atPath: folder.path(svg)) {
                try page.addSVG(
                    Array(try Data(contentsOf: URL(fileURLWithPath: folder.path(svg)))), caption: figure.caption)
            } else {
                try page.addPNG(path: folder.path(figure.path), caption: figure.caption)
            }
        }
        for note in notes { page.addParagraph(note) }
        page.addPreformatted(ResolvedWriter(showOrigins: true).write(spec.resolved), heading: "Resolved spec")
        try folder.write("report.html", page.html())
    }

    private func format(_ value: Double) -> String { value.isFinite ? String(format: "%.6g", value) : "—" }
}
