import Analysis
import Data
import Foundation
import Kernels
import Report
import Spec
import RunFolder

/// The encoder's codes and what is measured on them: `arrays/codes_<split>.npy` and
/// `labels_<split>.npy` for every split the data has, the
/// codes' 10-NN label accuracy and fit to a normal prior, and the t-SNE map (`arrays/tsne.npy`,
/// `plots/tsne.{png,svg}`).
///
/// These run before `metrics.json` is written, because their numbers are summary metrics that
/// `expect:` checks; the report later only links the figures.
struct CodeOutputs {
    let trainer: Trainer
    let folder: ResultDirectory
    /// Where a long output says how far it is (a redrawn terminal line); nothing by default.
    var progress: (String) -> Void = { _ in }
    var spec: ExperimentSpec { trainer.checked.spec }

    /// How many neighbours the label accuracies count.
    static let neighbors = 10

    /// The encoder whose codes are written: the `latent` output's, else the `tsne` output's; nil
    /// when the spec asks for neither, since only those outputs name an encoder.
    static func encoder(of spec: ExperimentSpec) -> (name: String, output: OutputSpec)? {
        for output in spec.outputs {
            if case .latent(_, _, _, let encoder, _) = output.kind { return (encoder, output) }
        }
        for output in spec.outputs {
            if case .tsne(_, _, _, let encoder) = output.kind { return (encoder, output) }
        }
        return nil
    }

    /// Writes the codes and the first t-SNE map the spec asks for; returns their summary metrics.
    /// Codes or a map that cannot be written are recorded in `failures`, against the output that
    /// asked for them.
    func write(failures: inout [OutputFailure]) throws -> [String: Double] {
        var metrics: [String: Double] = [:]
        if let encoder = Self.encoder(of: spec) {
            let codes = try OutputFailure.catching(encoder.output, into: &failures) {
                try writeCodes(encoder: encoder.name, origin: encoder.output.origin)
            }
            metrics.merge(codes ?? [:]) { $1 }
        }
        for output in spec.outputs {
            guard case .tsne(let split, let points, let perplexity, let encoder) = output.kind else { continue }
            try StopSignal.throwIfRequested()
            let settings = TSNESettings(
                split: Split.serving(split, among: trainer.data.available), points: points,
                perplexity: perplexity, encoder: encoder, origin: output.origin)
            let map = try OutputFailure.catching(output, into: &failures) { try writeTSNE(settings) }
            metrics.merge(map ?? [:]) { $1 }
            // One map per run: a second `tsne` output would overwrite the first's files.
            break
        }
        return metrics
    }

    /// `arrays/codes_<split>.npy` (float32 N×D) and `arrays/labels_<split>.npy` (uint8, when
    /// labelled) for each split the data has, and the codes' metrics on the code split (test, else
    /// validation, else train): `codes_knn_accuracy`, and for a normal prior `codes_mean_distance`,
    /// `codes_cov_distance` and `codes_frechet_distance`.
    func writeCodes(encoder: String, origin: Origin) throws -> [String: Double] {
        let application = try NetworkApplication([encoder], input: .data, trainer: trainer, origin: origin)
        let dimension = application.outputWidth
        let (measured, split) = trainer.data.heldOut
        var codes: [Float] = []
        for name in trainer.data.available {
            guard let images = trainer.data.split(name) else { continue }
            let encoded = try application.apply(images)
            try writeArray(
                "arrays/codes_\(name).npy", try NumericArray(shape: [images.count, dimension], elements: encoded))
            if trainer.data.labeled {
                try writeArray(
                    "arrays/labels_\(name).npy", try NumericArray(shape: [images.count], elements: images.labels))
            }
            if name == measured { codes = encoded }
        }
        var metrics: [String: Double] = [:]
        if trainer.data.labeled {
            if split.count > Self.neighbors {
                metrics[Metric.codesKNNAccuracy.name] = try kNNAccuracy(
                    points: codes, count: split.count, dimension: dimension, labels: split.labels.map(Int.init),
                    k: Self.neighbors, library: trainer.context.library)
            }
        }
        if case .normal(let priorDimension, let mean, let std)? = spec.prior, priorDimension == dimension,
            split.count > 1
        {
            let fit = try PriorFit(
                codes: codes, count: split.count, dimension: dimension, priorMean: mean, priorStd: std,
                library: trainer.context.library)
            metrics[Metric.codesMeanDistance.name] = fit.meanDistance
            metrics[Metric.codesCovDistance.name] = fit.covarianceDistance
            metrics[Metric.codesFrechetDistance.name] = fit.frechetDistance
        }
        return metrics
    }

    /// What a `tsne` output asks for.
    struct TSNESettings {
        var split: Split
        var points: Int
        var perplexity: Double
        var encoder: String
        var origin: Origin
    }

    /// Why a `tsne` output cannot map its points (`TSNE.neighbors`: more than `3 × perplexity`), its
    /// split holding `splitCount` images (nil where unknown before the data is read); nil when it can.
    /// The run and `runexp check` both ask this.
    static func tooFewPoints(_ settings: TSNESettings, splitCount: Int?) -> String? {
        let count = min(settings.points, splitCount ?? .max)
        let neighbors = TSNE.neighbors(perplexity: settings.perplexity)
        guard count <= neighbors else { return nil }
        let source =
            count < settings.points
            ? "the \(settings.split) split gives \(count)" : "outputs.tsne.points is \(settings.points)"
        return "t-SNE with perplexity \(formatFixed(settings.perplexity, 1)) needs more than \(neighbors) points, "
            + "but \(source); lower outputs.tsne.perplexity"
    }

    /// The t-SNE map of the codes of `points` images of the split (the first of a seeded
    /// permutation): `arrays/tsne.npy`, `arrays/tsne_labels.npy`, `plots/tsne.{png,svg}` and
    /// `tsne_knn_accuracy` when labelled.
    func writeTSNE(_ settings: TSNESettings) throws -> [String: Double] {
        guard let images = trainer.data.split(settings.split), images.count > 0 else {
            throw RunError("\(settings.origin.place): the data has no \(settings.split) split to map with t-SNE")
        }
        let count = min(settings.points, images.count)
        if let why = Self.tooFewPoints(settings, splitCount: images.count) {
            throw RunError("\(settings.origin.place): \(why)")
        }
        var stream = RandomStream(seed: spec.seed, name: "outputs/tsne")
        let chosen = Array(Shuffling.permutation(count: images.count, random: &stream).prefix(count))
        let application = try NetworkApplication(
            [settings.encoder], input: .data, trainer: trainer, origin: settings.origin)
        let codes = try application.apply(images, chosen)
        var configuration = TSNEConfiguration(perplexity: settings.perplexity)
        configuration.library = trainer.context.library
        let map = try TSNE.embed(
            points: codes, count: count, dimension: application.outputWidth, configuration: configuration,
            seed: spec.seed
        ) { report in
            // Ctrl-C stops the map within one report's worth of iterations, not at its end.
            try StopSignal.throwIfRequested()
            progress(
                "t-SNE of \(groupedDigits(count)) \(settings.split) codes: iteration \(report.iteration)/\(configuration.iterations)  KL \(formatFixed(report.klDivergence, 3))"
            )
        }
        try writeArray("arrays/tsne.npy", try NumericArray(shape: [count, 2], elements: map))
        var metrics: [String: Double] = [:]
        var labels: [Int]?
        if trainer.data.labeled {
            let bytes = chosen.map { images.labels[$0] }
            try writeArray("arrays/tsne_labels.npy", try NumericArray(shape: [count], elements: bytes))
            labels = bytes.map(Int.init)
            metrics[Metric.tsneKNNAccuracy.name] = try kNNAccuracy(
                points: map, count: count, dimension: 2, labels: bytes.map(Int.init), k: Self.neighbors,
                library: trainer.context.library)
        }
        let plot = ScatterPlot(
            title: "\(spec.name): t-SNE of \(count) \(settings.split) codes",
            x: stride(from: 0, to: map.count, by: 2).map { Double(map[$0]) },
            y: stride(from: 1, to: map.count, by: 2).map { Double(map[$0]) }, labels: labels)
        for format in [FigureFormat.png, .svg] {
            try folder.write("plots/tsne.\(format.rawValue)", Data(try plot.render(format)))
        }
        return metrics
    }

    /// The report's entry for the t-SNE map, if it was drawn.
    static func tsneFigure(in folder: ResultDirectory, split: Split, perplexity: Double, labeled: Bool)
        -> (String, String)?
    {
        guard FileManager.default.fileExists(atPath: folder.path("plots/tsne.png")) else { return nil }
        let colour = labeled ? ", coloured by label" : ""
        return (
            "plots/tsne.png",
            "t-SNE map (perplexity \(String(format: "%g", perplexity))) of the encoder's codes of \(split) images\(colour)"
        )
    }

    private func writeArray(_ name: String, _ array: NumericArray) throws {
        try folder.write(name, Data(NPY.encode(array)))
    }
}
