import Data
import Graph
import Kernels
import Spec
import RunFolder

/// Runs the reconstruction forward in evaluation mode over whole splits: the per-pixel
/// reconstruction MSE of every split each epoch, and the reconstructions a report shows.
///
/// The reconstruction is the prediction of the first loss term that compares something computed
/// from `x` with `x` itself: `decoder(encoder(x))`, `decoder(encoder(noise(x, 0.3)))` (a denoising
/// model reconstructs from corrupted input) or `decoder(sample_normal(encoder(x).mu, …))` (a VAE
/// reconstructs from a draw of its posterior). Random functions draw from one evaluation stream,
/// restarted for every pass over a split, so each epoch is judged on the same corruption.
final class Evaluator {
    let program: PhaseProgram
    /// The plan value holding the reconstruction.
    let outputValue: Int
    let sampleCount: Int
    /// The reconstruction is logits (`bce_logits`): images are their sigmoid.
    let outputsLogits: Bool
    let seed: UInt64
    /// Where logits become images.
    private let sigmoidImages: FloatBuffer

    /// The evaluator of `model`'s reconstruction (`ModelRoles.reconstruction`), or nil without one.
    static func make(
        _ model: ModelSummary, store: ParameterStore, capacity: Int, seed: UInt64, context: ExecutionContext
    ) throws -> Evaluator? {
        guard let reconstruction = model.roles.reconstruction else { return nil }
        return try Evaluator(
            reconstruction, model: model, store: store, capacity: capacity, seed: seed, context: context)
    }

    init(
        _ reconstruction: ModelRoles.Reconstruction, model: ModelSummary, store: ParameterStore, capacity: Int,
        seed: UInt64, context: ExecutionContext
    ) throws {
        guard let shape = model.dataShape else { throw RunError("the shape of x is unknown: nothing to evaluate") }
        program = PhaseProgram(
            computing: reconstruction.prediction, of: model.phases[reconstruction.phase].resolved, model: model,
            store: store, capacity: capacity, seed: seed, context: context)
        guard let output = program.plan.output else { throw RunError("the evaluation plan computes nothing") }
        outputValue = output
        sampleCount = shape.elementCount
        outputsLogits = reconstruction.logits
        self.seed = seed
        sigmoidImages = FloatBuffer(count: capacity * sampleCount)
    }

    /// The mean per-pixel squared error of the reconstruction over every image of `split`.
    func meanSquaredError(_ split: LabeledImages) throws -> Double {
        guard let data = program.data else { return 0 }
        var total = 0.0
        try program.evaluate(split, Array(0..<split.count), seed: seed) { batch in
            let error = lossForward(
                kind: .mse, prediction: images(batch: batch.count), target: .buffer(data.pointer),
                count: batch.count * sampleCount)
            total += Double(error) * Double(batch.count)
        }
        return total / Double(max(split.count, 1))
    }

    /// The reconstructions of the images at `indices`, row after row, a batch at a time.
    func reconstruct(_ split: LabeledImages, _ indices: [Int]) throws -> [Float] {
        var outputs: [Float] = []
        outputs.reserveCapacity(indices.count * sampleCount)
        try program.evaluate(split, indices, seed: seed) { batch in
            outputs += UnsafeBufferPointer(start: images(batch: batch.count), count: batch.count * sampleCount)
        }
        return outputs
    }

    /// The images of the last forward pass: the reconstruction, or the sigmoid of its logits.
    private func images(batch: Int) -> UnsafeMutablePointer<Float> {
        let output = program.output(ofValue: outputValue)
        guard outputsLogits else { return output }
        activationForward(
            output: sigmoidImages.pointer, input: output, count: batch * sampleCount, activation: .sigmoid)
        return sigmoidImages.pointer
    }
}
