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
///
/// A first network that a loss gives one-hot labels beside its input (`Conditioning`: a
/// conditional encoder's `concat(x, onehot(y))`, a conditional decoder's `concat(z, onehot(y))`)
/// gets its input formed the same way: from each image and its label, or from each vector and the
/// label the caller gives for it.
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
    /// Values per input sample (an image's size for `.data`, the latent dimension for `.latent`),
    /// without the labels a conditioned network reads beside them.
    let inputWidth: Int
    /// How the first network reads labels beside its input; nil when it reads none.
    let conditioning: Conditioning?
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
        // A chain's later networks read what the one before makes; labels have no way in there.
        if let conditioned = networks.dropFirst().first(where: { model.conditioning(of: $0) != nil }) {
            throw RunError("\(origin.place): '\(conditioned)' reads labels beside its input, so it must come first")
        }
        let reads = model.network(named: first)?.input ?? []
        let conditioning = model.conditioning(of: first).flatMap { $0.readsImages == (input == .data) ? $0 : nil }
        let width = conditioning?.codeWidth ?? reads.elementCount
        // z is as wide as what the first network reads, so a plain autoencoder's decoder can be
        // explored without a prior; a prior, when there is one, must draw vectors of that width.
        if input == .latent, let priorDimension, priorDimension != width {
            throw RunError("\(origin.place): '\(first)' reads \(width) values, but the prior draws \(priorDimension)")
        }
        // A conditional encoder's input is an image beside its label: the image is its other part.
        let readsTheData =
            conditioning.map { model.dataShape?.elementCount == $0.codeWidth } ?? (model.dataShape == reads)
        if input == .data, !readsTheData {
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
        inputWidth = width
        self.conditioning = conditioning
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
    /// row-major values. A conditioned first network reads each image beside its label in `split`.
    func apply(_ split: LabeledImages, _ indices: [Int]) throws -> [Float] {
        guard let data = program.data else { throw RunError("'\(networks[0])' does not read images (x)") }
        let imageSize = split.imageSize
        guard imageSize == inputWidth else {
            throw RunError("'\(networks[0])' reads \(inputWidth) values per sample, but the images hold \(imageSize)")
        }
        var outputs: [Float] = []
        outputs.reserveCapacity(indices.count * outputWidth)
        // The images of a batch, before each is joined with its label.
        var images = [Float](repeating: 0, count: conditioning == nil ? 0 : program.capacity * imageSize)
        for start in stride(from: 0, to: indices.count, by: program.capacity) {
            let batch = indices[start..<min(start + program.capacity, indices.count)]
            if let conditioning {
                try images.withUnsafeMutableBufferPointer { try split.writeBatch(batch, scale: 1 / 255, into: $0) }
                let labels = batch.map { Int(split.labels[$0]) }
                join(images[..<(batch.count * imageSize)], labels, conditioning, into: data)
            } else {
                try split.writeBatch(
                    batch, scale: 1 / 255, into: UnsafeMutableBufferPointer(start: data.pointer, count: data.count))
            }
            outputs += run(batch: batch.count)
        }
        return outputs
    }

    /// The chain's outputs for every image of `split`, in order.
    func apply(_ split: LabeledImages) throws -> [Float] {
        try apply(split, Array(0..<split.count))
    }

    /// The chain's outputs for `latent`, row-major vectors of `inputWidth` values each; a
    /// conditioned first network reads each beside its class in `labels` (one per vector), which
    /// only such a network takes.
    func apply(latent: [Float], labels: [Int]? = nil) throws -> [Float] {
        guard let prior = program.prior else { throw RunError("'\(networks[0])' does not read latent vectors (z)") }
        guard inputWidth > 0, latent.count % inputWidth == 0 else {
            throw RunError("\(latent.count) latent values are not whole vectors of \(inputWidth)")
        }
        let count = latent.count / inputWidth
        switch (conditioning, labels) {
        case (.some, nil): throw RunError("'\(networks[0])' reads a label beside each vector, but none was given")
        case (nil, .some): throw RunError("'\(networks[0])' reads no labels, but labels were given")
        case (.some, .some(let labels)) where labels.count != count:
            throw RunError("\(labels.count) labels for \(count) vectors of '\(networks[0])'")
        default: break
        }
        var outputs: [Float] = []
        outputs.reserveCapacity(count * outputWidth)
        for start in stride(from: 0, to: count, by: program.capacity) {
            let batch = min(program.capacity, count - start)
            if let conditioning, let labels {
                let rows = (start * inputWidth)..<((start + batch) * inputWidth)
                join(latent[rows], Array(labels[start..<(start + batch)]), conditioning, into: prior)
            } else {
                latent.withUnsafeBufferPointer { source in
                    guard let base = source.baseAddress else { return }
                    prior.pointer.update(from: base + start * inputWidth, count: batch * inputWidth)
                }
            }
            outputs += run(batch: batch)
        }
        return outputs
    }

    /// Writes each row of `values` (`inputWidth` each) beside its label into `buffer`, as the
    /// loss forms the network's input.
    private func join(
        _ values: ArraySlice<Float>, _ labels: [Int], _ conditioning: Conditioning, into buffer: FloatBuffer
    ) {
        let width = inputWidth + conditioning.classes
        for (row, label) in labels.enumerated() {
            let start = values.startIndex + row * inputWidth
            let input = conditioning.input(code: values[start..<(start + inputWidth)], label: label)
            (buffer.pointer + row * width).update(from: input, count: width)
        }
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
