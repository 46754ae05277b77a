import Data
import Foundation
import Graph
import Kernels
import Report
import Spec
import RunFolder

/// A finished run's networks with the weights of its checkpoint, applied to new inputs a batch at
/// a time, however many there are: what `runexp apply DIR encode|decode|reconstruct|sample` does.
/// It is the model for inference alone: the networks, their parameters and the spec, with no
/// trainer (no training phase is planned, no optimizer state made, no training data read).
public final class TrainedModel {
    let checked: CheckedSpec
    let store: ParameterStore
    /// Which library runs the products, decided once for the process by the run's determinism.
    let context: ExecutionContext
    /// The run folder, as the user named it.
    let folder: String
    /// Where the spec's relative data paths start, for the one read that needs the data: the
    /// shape its images are stored in, to draw images as a PNG.
    let specFolder: String

    /// The model of the run in `folder`, planned from its own resolved spec and `options` (the
    /// run's own command) and given the weights of its last checkpoint.
    public init(_ options: RunOptions, folder: String) throws {
        let run = try FinishedRun(options, folder: folder, purpose: "apply")
        checked = run.checked
        context = try ArithmeticSetup.apply(checked.spec.determinism, threads: options.threads).context
        specFolder = URL(fileURLWithPath: options.specPath).deletingLastPathComponent().path
        store = try run.restoredParameters()
        self.folder = folder
    }

    /// What an application made: one row per input, `shape` per row.
    public struct Output {
        public var values: [Float]
        public var count: Int
        public var shape: [Int]
        /// Whether the rows are images (of the run's data), which can be drawn as a PNG.
        public var areImages: Bool
    }

    /// `network`'s codes of the images in the `.npy` file at `path`; a conditional encoder reads
    /// each beside its class in `labels`.
    public func encode(_ path: String, network: String, labels: GivenLabels? = nil) throws -> Output {
        let application = try apply([network], input: .data)
        let images = try self.images(path, labels: labels, for: [application])
        return Output(
            values: try application.apply(images), count: images.count, shape: [application.outputWidth],
            areImages: false)
    }

    /// The images `decoder` makes of `encoder`'s codes of the images in the `.npy` file at `path`:
    /// the two applied in turn, so that either may read each image's class in `labels`.
    public func reconstruct(_ path: String, encoder: String, decoder: String, labels: GivenLabels? = nil) throws
        -> Output
    {
        let encode = try apply([encoder], input: .data)
        let decode = try apply([decoder], input: .latent, fromThePrior: false)
        let images = try self.images(path, labels: labels, for: [encode, decode])
        let codes = try encode.apply(images)
        let classes = decode.conditioning.map { _ in images.labels.map(Int.init) }
        return try imageOutput(
            try decode.apply(latent: codes, labels: classes), count: images.count, decoder: decoder)
    }

    /// The images `network` makes of the codes (N×D, float) in the `.npy` file at `path`; a
    /// conditional decoder reads each beside its class in `labels`.
    public func decode(_ path: String, network: String, labels: GivenLabels? = nil) throws -> Output {
        let application = try apply([network], input: .latent)
        try GivenLabels.check(labels, for: [application])
        let array = try NPY.read(path: path, requirements: ArrayRequirements(nonEmpty: true, finite: true))
        let width = application.inputWidth
        guard array.shape.count == 2, array.shape[1] == width else {
            throw RunError(
                "\(path): codes of shape \(array.shape), but '\(network)' reads rows of \(width) values (N×\(width))")
        }
        let codes: [Float]
        switch array.dtype {
        case .float32: codes = try array.elements(as: Float.self)
        case .float64: codes = try array.elements(as: Double.self).map(Float.init)
        default: throw RunError("\(path): codes are \(array.dtype); give float32 or float64")
        }
        let classes = try labels?.values(count: array.shape[0], inputs: "codes in \(path)", for: [application])
        return try imageOutput(
            try application.apply(latent: codes, labels: classes), count: array.shape[0], decoder: network)
    }

    /// `count` draws of the run's prior, from the stream `apply/samples` of `seed`, decoded by
    /// `network`; a conditional decoder reads each beside its class in `labels`.
    public func sample(_ count: Int, seed: UInt64, network: String, labels: GivenLabels? = nil) throws -> Output {
        guard let prior = checked.spec.prior else {
            throw RunError("\(folder): its spec has no prior to sample; decode codes of your own instead")
        }
        let application = try apply([network], input: .latent)
        try GivenLabels.check(labels, for: [application])
        let classes = try labels?.values(count: count, inputs: "draws", for: [application])
        let codes = PriorSampler.draws(prior, seed: seed, stream: "apply/samples", count: count)
        return try imageOutput(
            try application.apply(latent: codes, labels: classes), count: count, decoder: network)
    }

    /// Writes `output` to `path`: float32 `.npy` (N × the row's shape), or for images a `.png`
    /// grid of up to 10 per row (values clamped to [0, 1]).
    public func write(_ output: Output, to path: String) throws {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "npy":
            try NPY.write(try NumericArray(shape: [output.count] + output.shape, elements: output.values), to: path)
        case "png":
            guard output.areImages else {
                throw RunError("\(path): codes are not images; write them to an .npy file")
            }
            let shape = try imageShape()
            try ImageGrid(tiling: try shape.images(output.values), columns: Self.columns).writePNG(to: path)
        default:
            throw RunError("\(path): runexp apply writes .npy arrays or .png images; name the file so")
        }
    }

    /// Images to a row of a PNG grid.
    static let columns = 10

    /// Refuses, before anything is computed, a `.png` at `path` that `count` images could not be
    /// drawn in, saying to write an `.npy` instead.
    public func refuseOversizedGrid(of count: Int, path: String) throws {
        guard URL(fileURLWithPath: path).pathExtension.lowercased() == "png" else { return }
        let shape = try imageShape()
        if let problem = ImageGrid.tilingProblem(
            count: count, columns: Self.columns, height: shape.height, width: shape.width)
        {
            let npy = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + ".npy"
            throw RunError("\(path): \(problem); write them to an .npy file (--out \(npy))")
        }
    }

    /// The shape the run's images are stored in: how its images are drawn.
    /// Read once: the check before drawing and the drawing itself ask for it, and an embedded
    /// source (MNIST-M's recipe) is made anew on every load.
    private func imageShape() throws -> ImageShape {
        if let storedShape { return storedShape }
        let data =
            try checked.data
            ?? ExperimentData.load(checked.spec.data, seed: checked.spec.seed, specDirectory: specFolder)
        let shape = try ImageShape(data.train)
        storedShape = shape
        return shape
    }

    private var storedShape: ImageShape?

    /// `networks` planned over `input`; `fromThePrior`: whether its `z` are the prior's draws,
    /// which must then be as wide as it reads.
    private func apply(_ networks: [String], input: NetworkApplication.Input, fromThePrior: Bool = true) throws
        -> NetworkApplication
    {
        let spec = checked.spec
        let application = try NetworkApplication(
            networks: networks, input: input, model: checked.model, store: store, capacity: spec.train.batchSize,
            priorDimension: fromThePrior ? spec.prior?.dimension : nil, seed: spec.seed, context: context,
            origin: .argument("runexp apply \(folder)"))
        application.outputsLogits = checked.model.roles.makesLogits(networks.last!)
        return application
    }

    private func imageOutput(_ values: [Float], count: Int, decoder: String) throws -> Output {
        let shape = checked.model.network(named: decoder)?.output ?? []
        let areImages = shape.elementCount == checked.model.dataShape?.elementCount
        return Output(values: values, count: count, shape: shape, areImages: areImages)
    }

    /// The images at `path` (any source a spec's data may be: `ApplyInput`), read as the run read
    /// its own data (its `data.shape` applies), all of them, with the classes `labels` gives them
    /// where one of `applications` reads labels.
    private func images(_ path: String, labels: GivenLabels?, for applications: [NetworkApplication]) throws
        -> LabeledImages
    {
        try GivenLabels.check(labels, for: applications)
        var spec = checked.spec.data
        spec.source = try ApplyInput.source(path, shape: spec.source.sampleShape)
        (spec.validation, spec.trainLimit, spec.labeled) = (0, nil, nil)
        var images = try ApplyInput.allImages(
            try ExperimentData.load(spec, seed: 0, specDirectory: FileManager.default.currentDirectoryPath),
            source: path)
        if let labels {
            let classes = try labels.values(count: images.count, inputs: "images in \(path)", for: applications)
            images.labels = try classes.map { label in
                guard let byte = UInt8(exactly: label) else {
                    throw RunError("\(labels.option): label \(label) is above 255, the most an image's label can be")
                }
                return byte
            }
        }
        return images
    }
}
