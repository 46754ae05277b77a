import Analysis
import Data
import Foundation
import Graph
import Kernels
import Report
import Spec
import RunFolder

/// Latent-space exploration decoded to image grids under `images/`: samples from the prior,
/// interpolations between encoded images, walks along the codes' principal directions, and for a
/// 2-D latent the decoded manifold over a grid; for a decoder conditioned on labels, each code
/// under every class instead (ConditionalOutputs.swift).
///
/// Every random choice comes from streams named `outputs/latent…` of the spec's seed, so the images
/// are the same on every run of the same spec and seed.
struct LatentOutputs {
    let trainer: Trainer
    let folder: ResultDirectory
    /// Prior samples to decode.
    let samples: Int
    /// Interpolation rows.
    let interpolations: Int
    /// Decoded images per interpolation and per walk.
    let steps: Int
    let encoder: String
    let decoder: String
    /// Where the spec asked for this output, for errors.
    let origin: Origin
    var spec: ExperimentSpec { trainer.checked.spec }

    /// How many principal directions `walks.png` follows.
    static let walkDirections = 5
    /// The walks go from −`walkSpan` to +`walkSpan` standard deviations along each direction.
    static let walkSpan: Float = 2
    /// Rows and columns of the decoded 2-D manifold.
    static let manifoldSide = 16

    /// The setting of a `latent` output: nil for other outputs.
    init?(_ output: OutputSpec, trainer: Trainer, folder: ResultDirectory) {
        guard case .latent(let samples, let interpolations, let steps, let encoder, let decoder) = output.kind else {
            return nil
        }
        self.trainer = trainer
        self.folder = folder
        self.samples = samples
        self.interpolations = interpolations
        self.steps = steps
        self.encoder = encoder
        self.decoder = decoder
        origin = output.origin
    }

    /// The codes of the explored split with what decoding them needs.
    struct Context {
        var split: (name: Split, images: LabeledImages)
        var codes: [Float]
        var dimension: Int
        var shape: ImageShape
        var decode: NetworkApplication
        var labeled: Bool
    }

    /// Writes every grid this latent space allows; returns each written figure with its caption.
    func write() throws -> [(path: String, caption: String)] {
        let split = trainer.data.heldOut
        let encode = try NetworkApplication([encoder], input: .data, trainer: trainer, origin: origin)
        let model = trainer.checked.model
        let decode = try NetworkApplication([decoder], input: .latent, trainer: trainer, origin: origin)
        let conditioning = decode.conditioning
        decode.outputsLogits = model.roles.makesLogits(decoder)
        // `check` (ShapeInference) saw that the decoder reads the codes and makes images.
        let shape = try ImageShape(split.images)
        var context = Context(
            split: split, codes: [], dimension: encode.outputWidth, shape: shape, decode: decode,
            labeled: trainer.data.labeled)
        if conditioning == nil, encode.outputWidth != decode.inputWidth, let code = model.composedCode(of: decoder) {
            (context.codes, context.dimension) = try composedCodes(code, split.images)
        } else {
            context.codes = try encode.apply(split.images)
        }
        if let conditioning { return try writeConditional(conditioning, context) }
        var figures: [(String, String)] = []
        if let prior = spec.prior { figures.append(try writeSamples(prior, context)) }
        if let prior = spec.prior, let part = ClassPart(prior), context.dimension == prior.dimension {
            figures.append(try writeClassPart(part, context))
        }
        if interpolations > 0, split.images.count >= 2 { figures.append(try writeInterpolations(context)) }
        if split.images.count >= 2 { figures.append(try writeWalks(context)) }
        if context.dimension == 2, split.images.count >= 2 { figures.append(try writeManifold(context)) }
        return figures
    }

    /// The codes a loss composes for the decoder from each image of `split` (`ComposedCode.swift`),
    /// computed in evaluation mode, with their width.
    func composedCodes(_ code: (phase: Int, node: Int), _ split: LabeledImages) throws -> ([Float], Int) {
        let loss = trainer.checked.model.phases[code.phase].resolved
        let program = PhaseProgram(
            computing: code.node, of: loss, model: trainer.checked.model, store: trainer.store,
            capacity: spec.train.batchSize, seed: spec.seed, context: trainer.context)
        guard let output = program.plan.output else { throw RunError("the codes of '\(decoder)' are not computed") }
        let width = loss.width(of: code.node)
        var codes: [Float] = []
        codes.reserveCapacity(split.count * width)
        try program.evaluate(split, Array(0..<split.count), seed: spec.seed) { batch in
            codes += UnsafeBufferPointer(start: program.output(ofValue: output), count: batch.count * width)
        }
        return (codes, width)
    }

    /// `images/samples.png`: `samples` draws from the prior, decoded, in a square-ish tiling.
    func writeSamples(_ prior: PriorSpec, _ context: Context) throws -> (String, String) {
        let latent = PriorSampler.draws(prior, seed: spec.seed, stream: "outputs/latent", count: samples)
        let images = try context.shape.images(try context.decode.apply(latent: latent))
        let columns = Int(Double(samples).squareRoot().rounded(.up))
        try writeGrid("images/samples.png", ImageGrid(tiling: images, columns: columns))
        return ("images/samples.png", "\(samples) samples from the prior, decoded by '\(decoder)'")
    }

    /// `images/interpolations.png`: per row, two images of the explored split chosen by the seed at the ends and
    /// `steps` decodings of the straight line between their codes.
    func writeInterpolations(_ context: Context) throws -> (String, String) {
        let images = context.split.images, d = context.dimension
        let rows = min(interpolations, images.count / 2)
        var stream = RandomStream(seed: spec.seed, name: "outputs/latent/interpolations")
        let chosen = Array(Shuffling.permutation(count: images.count, random: &stream).prefix(2 * rows))
        var latent: [Float] = []
        latent.reserveCapacity(rows * steps * d)
        for row in 0..<rows {
            let a = chosen[2 * row] * d, b = chosen[2 * row + 1] * d
            for step in 0..<steps {
                let t = Float(step) / Float(steps - 1)
                for k in 0..<d { latent.append((1 - t) * context.codes[a + k] + t * context.codes[b + k]) }
            }
        }
        let decoded = try context.shape.images(try context.decode.apply(latent: latent))
        let grid = try (0..<rows).map { row -> ImageGrid.Row in
            let first = chosen[2 * row], last = chosen[2 * row + 1]
            let label = context.labeled ? "\(images.labels[first]) → \(images.labels[last])" : nil
            let middle = Array(decoded[(row * steps)..<((row + 1) * steps)])
            return ImageGrid.Row(
                label: label,
                images: [try context.shape.image(images, first)] + middle + [try context.shape.image(images, last)])
        }
        try writeGrid("images/interpolations.png", ImageGrid(rows: grid))
        return (
            "images/interpolations.png",
            "\(rows) pairs of \(context.split.name) images (ends) and \(steps) decodings along the straight line between their codes"
        )
    }

    /// `images/walks.png`: one row per leading principal direction of the codes, decoding
    /// mean + t·σ·direction for `steps` values of t from −2 to 2.
    func writeWalks(_ context: Context) throws -> (String, String) {
        let count = context.split.images.count, d = context.dimension
        let pca = try PrincipalComponents(
            points: context.codes, count: count, dimension: d, components: min(d, Self.walkDirections),
            library: trainer.context.library)
        var latent: [Float] = []
        latent.reserveCapacity(pca.componentCount * steps * d)
        for component in 0..<pca.componentCount {
            let sigma = Float(pca.variances[component].squareRoot())
            for step in 0..<steps {
                let t = -Self.walkSpan + 2 * Self.walkSpan * Float(step) / Float(steps - 1)
                for k in 0..<d { latent.append(pca.mean[k] + t * sigma * pca.directions[component * d + k]) }
            }
        }
        let decoded = try context.shape.images(try context.decode.apply(latent: latent))
        let rows = (0..<pca.componentCount).map { component in
            ImageGrid.Row(
                label: "PC\(component + 1)", images: Array(decoded[(component * steps)..<((component + 1) * steps)]))
        }
        try writeGrid("images/walks.png", ImageGrid(rows: rows))
        return (
            "images/walks.png",
            "Walks along the \(pca.componentCount) leading principal directions of the \(context.split.name) codes, from −2σ to +2σ through their mean"
        )
    }

    /// `images/manifold.png`: a 2-D latent decoded over a regular grid spanning the codes' 1st to
    /// 99th percentile on each axis (up is +z₂, right is +z₁).
    func writeManifold(_ context: Context) throws -> (String, String) {
        let n = Self.manifoldSide
        let xs = Self.span(stride(from: 0, to: context.codes.count, by: 2).map { context.codes[$0] }, n)
        let ys = Self.span(stride(from: 1, to: context.codes.count, by: 2).map { context.codes[$0] }, n)
        var latent: [Float] = []
        latent.reserveCapacity(n * n * 2)
        for row in 0..<n {
            for column in 0..<n { latent += [xs[column], ys[n - 1 - row]] }
        }
        let decoded = try context.shape.images(try context.decode.apply(latent: latent))
        try writeGrid("images/manifold.png", ImageGrid(tiling: decoded, columns: n, scale: 2))
        return (
            "images/manifold.png",
            "The decoder over a \(n)×\(n) grid of the 2-D latent space, spanning the \(context.split.name) codes' 1st to 99th percentiles (z₁ rightwards, z₂ upwards)"
        )
    }

    /// `n` evenly spaced values from the 1st to the 99th percentile of `values`; percentiles rather
    /// than the extremes, so one stray code does not shrink the interesting region to a corner.
    static func span(_ values: [Float], _ n: Int) -> [Float] {
        let sorted = values.sorted()
        guard let first = sorted.first else { return Array(repeating: 0, count: n) }
        var low = sorted[Int(Double(sorted.count - 1) * 0.01)], high = sorted[Int(Double(sorted.count - 1) * 0.99)]
        if !(high > low) { (low, high) = (first - 1, first + 1) }
        return (0..<n).map { low + (high - low) * Float($0) / Float(max(n - 1, 1)) }
    }

    func writeGrid(_ name: String, _ grid: ImageGrid) throws {
        try folder.write(name, Data(try grid.pngBytes()))
    }
}

/// The height, width and channels of one image of a split, to show decoder outputs as images.
struct ImageShape {
    var height: Int
    var width: Int
    var channels: Int
    /// Values per image.
    var size: Int { height * width * channels }
    /// `H×W×C`, for messages.
    var text: String { "\(height)×\(width)×\(channels)" }

    /// The shape of `split`'s images (stored N×H×W×C).
    init(_ split: LabeledImages) throws {
        let shape = split.imageShape
        guard shape.count == 3 else { throw RunError("images of shape \([split.count] + shape) are not N×H×W×C") }
        (height, width, channels) = (shape[0], shape[1], shape[2])
    }

    /// `values` cut into consecutive images of this shape (values in [0, 1], clamped when drawn).
    func images(_ values: [Float]) throws -> [GridImage] {
        try stride(from: 0, to: values.count, by: size).map { start in
            try GridImage(
                height: height, width: width, channels: channels, values: Array(values[start..<(start + size)]))
        }
    }

    /// Image `index` of `split`, as stored.
    func image(_ split: LabeledImages, _ index: Int) throws -> GridImage {
        try GridImage(
            height: height, width: width, channels: channels,
            bytes: try split.imageBytes(at: index))
    }
}
