import Data
import Foundation
import Kernels
import Spec

/// The splits a run trains and evaluates on: uint8 images (N×H×W×C) with labels, widened to floats
/// one batch at a time.
public struct ExperimentData: Sendable {
    public var train: LabeledImages
    public var validation: LabeledImages?
    public var test: LabeledImages?
    /// False when the source has no labels (a plain `data.npy`): labels are then all 0 and unused.
    public var labeled: Bool
    /// Where the data came from, for the report.
    public var description: String
    /// With `data.labeled`: the training images whose label is kept (indices into `train`,
    /// ascending), what `batches: labeled` phases train on. Nil: every label is kept.
    public var labeledTrain: [Int]? = nil
    /// Whether the source has a validation split of its own, so `data.validation` held nothing out.
    public var sourceHasValidation = false
    /// The name of each class, label 0 first, where the source names them (an image folder's
    /// class folders); nil where labels are only numbers.
    public var classNames: [String]? = nil
    /// Files the source left out (`skip_unreadable`), each with why.
    public var skipped: [SourceError] = []

    /// The images of `split`, if the data has it.
    public func split(_ split: Split) -> LabeledImages? {
        switch split {
        case .train: return train
        case .validation: return validation
        case .test: return test
        }
    }

    /// The splits that hold images.
    public var available: [Split] { Split.allCases.filter { (split($0)?.count ?? 0) > 0 } }

    /// The split whose codes are measured, explored and judged by an adversary: the held-out one
    /// (`Split.heldOut`; a plain `data.npy` has only a train split).
    public var heldOut: (name: Split, images: LabeledImages) {
        let name = Split.heldOut(among: available)
        return (name, split(name) ?? train)
    }

    /// Loads the spec's data source, applies `train_limit` and holds out validation when the source
    /// has no validation split. Every random choice comes from a named stream of `seed`.
    public static func load(_ spec: DataSpec, seed: UInt64, specDirectory: String) throws -> ExperimentData {
        var data = try read(spec.source, seed: seed, base: specDirectory)
        data.sourceHasValidation = data.validation != nil
        if let limit = spec.trainLimit, limit < data.train.count {
            var stream = RandomStream(seed: seed, name: "data/train-limit")
            let order = Shuffling.permutation(count: data.train.count, random: &stream)
            data.train = try data.train.subset(Array(order[..<limit]).sorted())
        }
        if data.validation == nil, spec.validation > 0, data.train.count > 1 {
            var stream = RandomStream(seed: seed, name: "data/validation")
            let (train, validation) = try data.train.splitValidation(fraction: spec.validation, random: &stream)
            data.train = train
            data.validation = validation
        }
        if let count = spec.labeled {
            data.labeledTrain = try LabeledSubset.choose(
                count, of: data.train, labeled: data.labeled, seed: seed, origin: spec.labeledOrigin)
        }
        return data
    }

    /// A path in a spec is relative to the spec's folder, so a spec runs the same from anywhere.
    static func resolve(_ path: String, _ base: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: base).appendingPathComponent(path).standardized.path
    }

    static func read(_ source: DataSpec.Source, seed: UInt64, base: String) throws -> ExperimentData {
        switch source {
        case .mnist:
            let splits = try EmbeddedData.mnist()
            return ExperimentData(
                train: splits.train, test: splits.test, labeled: true,
                description: "embedded MNIST (5,000 train, 10,000 test)")
        case .mnistM:
            var stream = RandomStream(seed: seed, name: "data/mnist-m")
            let splits = try EmbeddedData.mnistM(random: &stream)
            return ExperimentData(
                train: splits.train, test: splits.test, labeled: true,
                description: "embedded MNIST-M made with seed \(seed)")
        case .fashionMNIST:
            let splits = try FashionMNIST.read()
            return ExperimentData(train: splits.train, test: splits.test, labeled: true, description: "Fashion-MNIST")
        case .idx(let directory):
            let path = resolve(directory, base)
            let splits = try IDX.readDirectory(path)
            return ExperimentData(train: splits.train, test: splits.test, labeled: true, description: path)
        case .homework(let file):
            let path = resolve(file, base)
            let dataset = try HomeworkDataset.read(path: path)
            return ExperimentData(
                train: dataset.train, validation: dataset.validation, test: dataset.test,
                labeled: true, description: path)
        case .npz(let file):
            return try readNpz(resolve(file, base))
        case .images(let source):
            return try readImages(source, base: base)
        case .cifar10(let directory):
            return try readCIFAR(resolve(directory, base), kind: .cifar10)
        case .cifar100(let directory):
            return try readCIFAR(resolve(directory, base), kind: .cifar100)
        case .npy(let file, let labels):
            let path = resolve(file, base)
            let (images, labelValues) = try PlainImages.read(path: path, labelsPath: labels.map { resolve($0, base) })
            let bytes = try quantized(images, source: path)
            let train = try LabeledImages(
                images: bytes, labels: labelValues ?? Array(repeating: 0, count: bytes.shape[0]),
                source: path)
            return ExperimentData(train: train, labeled: labelValues != nil, description: path)
        }
    }

    static func readImages(_ source: ImageFolderSource, base: String) throws -> ExperimentData {
        let path = resolve(source.directory, base)
        let fitting = ImageFitting(shape: source.shape, resize: source.resize, centerCrop: source.centerCrop)
        let memoryLimit: Int? =
            switch source.stream {
            case true?: 0
            case false?: nil
            case nil: ImageFolder.streamingThreshold
            }
        let folder = try ImageFolder.read(
            path, fitting: fitting, skipUnreadable: source.skipUnreadable, memoryLimit: memoryLimit)
        let streamed = folder.images.files == nil ? "" : ", streamed"
        let skipped = folder.skipped.isEmpty ? "" : ", \(folder.skipped.count) unreadable files skipped"
        let classes = folder.classNames.isEmpty ? "unlabelled" : "\(folder.classNames.count) classes"
        var data = ExperimentData(
            train: folder.images, labeled: !folder.classNames.isEmpty,
            description: "\(path) (\(folder.images.count) images, \(classes)\(skipped)\(streamed))")
        data.classNames = folder.classNames.isEmpty ? nil : folder.classNames
        data.skipped = folder.skipped
        return data
    }

    static func readCIFAR(_ path: String, kind: CIFAR.Kind) throws -> ExperimentData {
        let splits = try CIFAR.read(path, kind: kind)
        var data = ExperimentData(
            train: splits.train, test: splits.test, labeled: true,
            description: "\(path) (\(kind.rawValue): \(splits.train.count) train, \(splits.test.count) test)")
        data.classNames = splits.classNames
        return data
    }

    static func readNpz(_ path: String) throws -> ExperimentData {
        let arrays = try NPZ.read(path: path)
        func split(_ name: String) throws -> LabeledImages? {
            guard let x = arrays.first(where: { $0.name == "\(name)_x" }) else { return nil }
            let images = try quantized(try PlainImages.normalize(x.array, source: "\(path):\(name)_x"), source: path)
            let y = arrays.first { $0.name == "\(name)_y" }
            let labels = try y.map { try classIndices($0.array, source: "\(path):\(name)_y") }
            return try LabeledImages(
                images: images, labels: labels ?? Array(repeating: 0, count: images.shape[0]),
                source: path)
        }
        guard let train = try split("train") else {
            throw SourceError(path, "no train_x array; expected train_x, train_y, valid_x, valid_y, test_x, test_y")
        }
        return ExperimentData(
            train: train, validation: try split("valid"), test: try split("test"),
            labeled: arrays.contains { $0.name == "train_y" }, description: path)
    }

    /// Float images in [0, 1] are kept as uint8 (round(v·255)), a quarter of the memory; pixels that
    /// came from 8-bit images, as MNIST's do, are restored exactly.
    static func quantized(_ images: NumericArray, source: String) throws -> NumericArray {
        func byte(_ value: Double) -> UInt8 { UInt8((min(max(value, 0), 1) * 255).rounded()) }
        let bytes: [UInt8]
        switch images.dtype {
        case .uint8: return images
        case .float32: bytes = try images.withUnsafeElements(as: Float.self) { $0.map { byte(Double($0)) } }
        case .float64: bytes = try images.withUnsafeElements(as: Double.self) { $0.map(byte) }
        default: bytes = (0..<images.count).map { byte(images.value(at: $0)) }
        }
        return try NumericArray(shape: images.shape, dtype: .uint8, bytes: bytes)
    }
}
