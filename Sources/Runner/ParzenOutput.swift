import Analysis
import Data
import Foundation
import Graph
import Kernels
import Spec

/// `parzen`: the Parzen-window log-likelihood of test images under decoded prior samples (the AAE
/// paper's Table 1 measure), in nats per image. σ is the one of `sigmas` that gives the validation
/// images (at most `validationPoints`; train when there is no validation split) the highest
/// likelihood; the test images are then measured with it.
struct ParzenOutput {
    let trainer: Trainer
    let samples: Int
    let points: Int
    let decoder: String
    let origin: Origin

    /// The kernel widths tried, for images with values in [0, 1]: 0.05 … 0.5, evenly in log scale.
    static let sigmas = (0..<10).map { 0.05 * pow(10, Double($0) / 9) }
    static let validationPoints = 1000

    /// The setting of a `parzen` output: nil for other outputs.
    init?(_ output: OutputSpec, trainer: Trainer) {
        guard case .parzen(let samples, let points, let decoder) = output.kind else { return nil }
        self.trainer = trainer
        self.samples = samples
        self.points = points
        self.decoder = decoder
        origin = output.origin
    }

    /// `parzen_log_likelihood` and `parzen_sigma`.
    func measure() throws -> [String: Double] {
        let spec = trainer.checked.spec, data = trainer.data
        guard let prior = spec.prior else { return [:] }
        let latent = PriorSampler.draws(prior, seed: spec.seed, stream: "outputs/parzen", count: samples)
        let decode = try NetworkApplication([decoder], input: .latent, trainer: trainer, origin: origin)
        decode.outputsLogits = trainer.checked.model.roles.makesLogits(decoder)
        let decoded = try decode.apply(latent: latent)
        let dimension = decode.outputWidth
        let tuning = data.validation ?? data.train
        let validation = try Self.images(tuning, limit: Self.validationPoints)
        let scores = ParzenWindow.meanLogLikelihoods(
            points: validation.values, count: validation.count, samples: decoded, sampleCount: samples,
            dimension: dimension, sigmas: Self.sigmas, library: trainer.context.library)
        let best = scores.indices.max { scores[$0] < scores[$1] } ?? 0
        let test = try Self.images(data.test ?? tuning, limit: points)
        let likelihood = ParzenWindow.meanLogLikelihoods(
            points: test.values, count: test.count, samples: decoded, sampleCount: samples, dimension: dimension,
            sigmas: [Self.sigmas[best]], library: trainer.context.library)[0]
        return [Metric.parzenLogLikelihood.name: likelihood, Metric.parzenSigma.name: Self.sigmas[best]]
    }

    /// The first `limit` images of `split`, widened to [0, 1] as training sees them.
    static func images(_ split: LabeledImages, limit: Int) throws -> (values: [Float], count: Int) {
        let count = min(limit, split.count)
        var values = [Float](repeating: 0, count: count * split.imageSize)
        try values.withUnsafeMutableBufferPointer {
            try split.writeBatch(Array(0..<count)[...], scale: 1 / 255, into: $0)
        }
        return (values, count)
    }
}
