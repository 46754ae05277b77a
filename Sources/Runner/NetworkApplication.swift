import Data
import Graph
import Kernels
import Spec
import RunFolder

/// One network, or a chain of networks, applied in evaluation mode to images of a split (through
/// `x`) or to given latent vectors (through `z`), a batch at a time within the program's capacity.
///
/// It runs the graph's forward-only program (`PhaseProgram(applying:over:…)`): dropout is off and
/// batch normalization uses its running statistics, so the outputs depend only on the weights.
final class NetworkApplication {
    /// What the first network of the chain reads.
    enum Input {
        /// Images of a split, widened to floats in [0, 1] as training sees them.
        case data
        /// Latent vectors of the prior's dimension, given by the caller.
        case latent
    }

    /// The networks, innermost first (`[encoder, decoder]` is `decoder(encoder(x))`).
    let networks: [String]
    let program: PhaseProgram
    /// The plan value holding the chain's output.
    let outputValue: Int
    /// Values per input sample (an image's size for `.data`, the latent dimension for `.latent`).
    let inputWidth: Int
    /// Values per output sample.
    let outputWidth: Int
    /// The chain ends in logits of images (`ModelRoles.makesLogits`): outputs are their sigmoid.
    var outputsLogits = false

    /// Plans `networks` (innermost first) over `input` for batches of up to `capacity` samples, its
    /// kernels running with `context`.
    ///
    /// Throws when a network is missing, or when the prior's dimension differs from what the chain
    /// reads through `z`. `priorDimension` is the spec's prior's, nil without one.
    init(
        networks: [String], input: Input, model: ModelSummary, store: ParameterStore, capacity: Int,
        priorDimension: Int?, seed: UInt64, context: ExecutionContext, origin: Origin
    ) throws {
        guard let first = networks.first else { throw RunError("no network to apply") }
        for name in networks where model.network(named: name) == nil {
            let known = model.networks.map(\.name).joined(separator: ", ")
            throw RunError("\(origin.place): no network '\(name)' to apply (the spec defines \(known))")
        }
        // z is as wide as what the first network reads, so a plain autoencoder's decoder can be
        // explored without a prior; a prior, when there is one, must draw vectors of that width.
        let reads = model.network(named: first)?.input ?? []
        if input == .latent, let priorDimension, priorDimension != reads.elementCount {
            throw RunError(
                "\(origin.place): '\(first)' reads \(reads.elementCount) values, but the prior draws \(priorDimension)")
        }
        if input == .data, model.dataShape != reads {
            throw RunError(
                "\(origin.place): '\(first)' reads \(reads.shapeText), but the data is \(model.dataShape?.shapeText ?? "of unknown shape")"
            )
        }
        let program = PhaseProgram(
            applying: networks, over: input == .data ? .data(reads) : .latent(reads), model: model, store: store,
            capacity: max(capacity, 1), seed: seed, context: context)
        guard let output = program.plan.output else { throw RunError("the plan of '\(first)' computes nothing") }
        self.networks = networks
        self.program = program
        outputValue = output
        outputWidth = program.plan.values[output].shape.elementCount
        inputWidth = reads.elementCount
    }

    /// Convenience: plans `networks` with the trainer's model, parameters, capacity, prior and context.
    convenience init(_ networks: [String], input: Input, trainer: Trainer, origin: Origin) throws {
        let spec = trainer.checked.spec
        try self.init(
            networks: networks, input: input, model: trainer.checked.model, store: trainer.store,
            capacity: spec.train.batchSize, priorDimension: spec.prior?.dimension, seed: spec.seed,
            context: trainer.context, origin: origin)
    }

    /// The chain's outputs for the images at `indices` of `split`: `indices.count × outputWidth`
    /// row-major values.
    func apply(_ split: LabeledImages, _ indices: [Int]) throws -> [Float] {
        guard let data = program.data else { throw RunError("'\(networks[0])' does not read images (x)") }
        let imageSize = split.images.count / max(split.count, 1)
        guard imageSize == inputWidth else {
            throw RunError("'\(networks[0])' reads \(inputWidth) values per sample, but the images hold \(imageSize)")
        }
        var outputs: [Float] = []
        outputs.reserveCapacity(indices.count * outputWidth)
        for start in stride(from: 0, to: indices.count, by: program.capacity) {
            let batch = indices[start..<min(start + program.capacity, indices.count)]
            try split.writeBatch(
                batch, scale: 1 / 255, into: UnsafeMutableBufferPointer(start: data.pointer, count: data.count))
            outputs += run(batch: batch.count)
        }
        return outputs
    }

    /// The chain's outputs for every image of `split`, in order.
    func apply(_ split: LabeledImages) throws -> [Float] {
        try apply(split, Array(0..<split.count))
    }

    /// The chain's outputs for `latent`, row-major vectors of `inputWidth` values each.
    func apply(latent: [Float]) throws -> [Float] {
        guard let prior = program.prior else { throw RunError("'\(networks[0])' does not read latent vectors (z)") }
        guard inputWidth > 0, latent.count % inputWidth == 0 else {
            throw RunError("\(latent.count) latent values are not whole vectors of \(inputWidth)")
        }
        let count = latent.count / inputWidth
        var outputs: [Float] = []
        outputs.reserveCapacity(count * outputWidth)
        for start in stride(from: 0, to: count, by: program.capacity) {
            let batch = min(program.capacity, count - start)
            latent.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress else { return }
                prior.pointer.update(from: base + start * inputWidth, count: batch * inputWidth)
            }
            outputs += run(batch: batch)
        }
        return outputs
    }

    /// Runs the program on the first `batch` samples of its input and copies out the chain's output.
    private func run(batch: Int) -> [Float] {
        program.forward(batch: batch)
        var outputs = Array(
            UnsafeBufferPointer(start: program.output(ofValue: outputValue), count: batch * outputWidth))
        if outputsLogits {
            outputs.withUnsafeMutableBufferPointer { values in
                guard let base = values.baseAddress else { return }
                activationForward(output: base, input: base, count: values.count, activation: .sigmoid)
            }
        }
        return outputs
    }
}
