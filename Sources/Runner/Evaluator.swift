import Data
import Graph
import Kernels
import Spec
import RunFolder

/// Reads the reconstruction from a forward pass in evaluation mode over whole splits: the
/// per-pixel reconstruction MSE of every split each evaluation, and the reconstructions a report shows.
///
/// The reconstruction is the prediction of the first loss term that compares something computed
/// from `x` with `x` itself: `decoder(encoder(x))`, `decoder(encoder(noise(x, 0.3)))` (a denoising
/// model reconstructs from corrupted input) or `decoder(sample_normal(encoder(x).mu, …))` (a VAE
/// reconstructs from a draw of its posterior). Where it is a node of the measured phase's loss (a
/// VAE's), it is read from that loss's own pass, so the MSE is of the very draw the loss was
/// measured on and a split is passed forward once for both. Random functions draw from one
/// evaluation stream, restarted for every pass over a split, so each epoch is judged on the same corruption.
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

    /// The evaluator of `model`'s reconstruction (`ModelRoles.reconstruction`), or nil without one;
    /// it reads `measured`'s pass when `EvaluationPlan.readsLossPass(.mse, …)`.
    static func make(
        _ model: ModelSummary, store: ParameterStore, capacity: Int, seed: UInt64, measured: LossEvaluator?,
        context: ExecutionContext
    ) throws -> Evaluator? {
        guard let reconstruction = model.roles.reconstruction else { return nil }
        guard let shape = model.dataShape else { throw RunError("the shape of x is unknown: nothing to evaluate") }
        let (program, value) = try PhaseProgram.reading(
            reconstruction.prediction, phase: reconstruction.phase, measured: measured?.program, model: model,
            store: store, capacity: capacity, seed: seed, context: context)
        return Evaluator(
            program: program, value: value, sampleCount: shape.elementCount, logits: reconstruction.logits,
            capacity: capacity, seed: seed)
    }

    init(program: PhaseProgram, value: Int, sampleCount: Int, logits: Bool, capacity: Int, seed: UInt64) {
        self.program = program
        outputValue = value
        self.sampleCount = sampleCount
        outputsLogits = logits
        self.seed = seed
        sigmoidImages = FloatBuffer(count: capacity * sampleCount)
    }

    /// The reader of the mean per-pixel squared error of the reconstruction: after a batch's
    /// forward, its images' summed per-pixel means.
    var reader: SplitReader {
        SplitReader(measure: .mse, program: program) { [self] batch, _ in
            guard let data = program.data else { return 0 }
            let error = lossForward(
                kind: .mse, prediction: images(batch: batch.count), target: .buffer(data.pointer),
                count: batch.count * sampleCount)
            return Double(error) * Double(batch.count)
        }
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
