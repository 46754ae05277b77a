import Foundation

/// Where the training data comes from and how it is split.
public struct DataSpec: Sendable, Equatable {
    /// A data source runexp knows how to read.
    public enum Source: Sendable, Equatable {
        /// MNIST shipped inside runexp: 5,000 training digits, the official 10,000 test digits.
        case mnist
        /// MNIST-M made from the embedded digits and photos by the MNIST-M recipe, seeded.
        case mnistM
        /// Debian's `dataset-fashion-mnist` package, read from /usr/share/datasets/fashion-mnist.
        case fashionMNIST
        /// A plain `.npy` array of images (N×784, N×28×28, N×28×28×C), with optional labels.
        case npy(path: String, labels: String?)
        /// An `.npz` with `train_x`, `train_y`, `valid_x`, `valid_y`, `test_x`, `test_y`.
        case npz(path: String)
        /// The assignment's `MNIST_M.npy`: a pickled object array of (images, labels) pairs.
        case homework(path: String)
        /// A folder of IDX files (`train-images-idx3-ubyte[.gz]`, …).
        case idx(directory: String)
        /// A folder of PNG and JPEG files, class subfolders as labels.
        case images(ImageFolderSource)
        /// CIFAR-10 (Python or binary version), with its official train/test split.
        case cifar10(directory: String)
        /// CIFAR-100's 100 fine classes (Python or binary version), with its train/test split.
        case cifar100(directory: String)

        /// The shape of one sample where it is known without reading a file.
        public var sampleShape: [Int]? {
            switch self {
            case .mnist, .fashionMNIST: return [28, 28, 1]
            case .mnistM, .homework: return [28, 28, 3]
            case .cifar10, .cifar100: return [32, 32, 3]
            case .npy, .npz, .idx: return nil
            case .images(let folder): return folder.shape
            }
        }

        /// Whether reading it opens a file (which may be missing or broken) rather than data inside runexp.
        public var readsFile: Bool {
            switch self {
            case .mnist, .mnistM: return false
            case .fashionMNIST, .npy, .npz, .homework, .idx, .images, .cifar10, .cifar100: return true
            }
        }

        static let embeddedNames = ["mnist", "mnist-m", "fashion-mnist"]
        static let fileKinds = ["npy", "npz", "homework", "idx", "images", "cifar10", "cifar100"]
    }

    public var source: Source
    /// Fraction of the training split held out for validation when the source has no validation split.
    public var validation: Double
    /// The shape each sample is reshaped to, e.g. [784] for an MLP; nil keeps the source's shape.
    public var shape: [Int]?
    /// Use at most this many training samples (after shuffling with the seed).
    public var trainLimit: Int?
    /// Keep the labels of only this many training images (equally many of each class, chosen with
    /// the seed): the semi-supervised setting. Only phases with `batches: labeled` read them.
    public var labeled: Int?
    /// Where `data.labeled` was written.
    public var labeledOrigin = Origin.defaulted
    /// Where `data:` was written.
    public var origin: Origin
    /// Where the source was given: a line of the spec, or the `--set` that gave it.
    public var sourceOrigin: Origin
    /// Where the spec wrote `validation` for a source with a validation split of its own, which
    /// the run uses instead (`ExperimentSpec.usingSourceValidation`); nil otherwise.
    public var unusedValidation: Origin? = nil

    /// The shape of `x` as the networks see it, when it can be known without reading a file.
    public var sampleShape: [Int]? { shape ?? source.sampleShape }
}

extension DataSpec {
    /// Data from `source` with `validation` held out and every other key at its default: what a
    /// spec's `data: {source: …, validation: …}` gives.
    public init(source: Source, validation: Double) {
        self.init(
            source: source, validation: validation, shape: nil, trainLimit: nil, origin: .defaulted,
            sourceOrigin: .defaulted)
    }
}

extension SpecDecoder {
    func decodeData(_ node: inout YAMLNode) -> DataSpec? {
        guard var map = MappingReader(node, "data", log: log) else { return nil }
        var sourceOrigin = node.origin
        let source = map.required("source") { node -> DataSpec.Source? in
            sourceOrigin = node.origin
            return decodeSource(&node)
        }
        let validation = map.optional("validation", default: .scalar("0.1")) {
            scalars.double($0, "data.validation", in: 0...0.9)
        }
        let shape = map.ifPresent("shape") { scalars.intList($0, "data.shape") }
        let trainLimit = map.ifPresent("train_limit") { scalars.int($0, "data.train_limit", in: 1...Int.max) }
        var labeledOrigin = Origin.defaulted
        let labeled = map.ifPresent("labeled") { node -> Int? in
            labeledOrigin = node.origin
            return scalars.int(node, "data.labeled", in: 1...Int.max)
        }
        map.finish()
        node = map.resolvedNode
        guard let source, let validation else { return nil }
        var data = DataSpec(
            source: source, validation: validation, shape: shape, trainLimit: trainLimit,
            origin: node.origin, sourceOrigin: sourceOrigin)
        (data.labeled, data.labeledOrigin) = (labeled, labeledOrigin)
        return data
    }

    /// A path as the spec or the command line gives it. One typed on the command line (`--set`) is
    /// made absolute against the current folder, as every command-line tool does; one written in
    /// the spec stays relative, to be read against the spec's folder.
    private func filePath(_ node: YAMLNode, _ what: String) -> String? {
        guard let path = scalars.string(node, what) else { return nil }
        guard case .argument = node.origin, !path.hasPrefix("/") else { return path }
        return URL(fileURLWithPath: path).standardized.path
    }

    private func decodeSource(_ node: inout YAMLNode) -> DataSpec.Source? {
        if let name = node.scalarText, !node.isNull {
            let kinds = DataSpec.Source.embeddedNames + DataSpec.Source.fileKinds
            guard let known = scalars.choice(node, "data source", kinds) else { return nil }
            switch known {
            case "mnist": return .mnist
            case "mnist-m": return .mnistM
            case "fashion-mnist": return .fashionMNIST
            default:
                log.error(node.origin, "data source '\(name)' needs a path: write `source: {\(name): path}`")
                return nil
            }
        }
        guard var map = MappingReader(node, "data.source", log: log) else { return nil }
        let written = map.writtenKeys.filter { DataSpec.Source.fileKinds.contains($0) }
        guard written.count == 1, let kind = written.first else {
            let first = map.writtenKeys.first ?? ""
            let hint = NearestName.hint(first, in: DataSpec.Source.fileKinds)
            let kinds = DataSpec.Source.fileKinds.joined(separator: ", ")
            log.error(node.origin, "data.source must name exactly one of \(kinds) with its path\(hint)")
            return nil
        }
        let path = map.required(kind) { filePath($0, "data.source.\(kind)") }
        let labels = kind == "npy" ? map.ifPresent("labels") { filePath($0, "data.source.labels") } : nil
        let folder = kind == "images" ? decodeImageFolder(&map, directory: path ?? "") : nil
        map.finish()
        node = map.resolvedNode
        guard let path else { return nil }
        switch kind {
        case "images": return folder.map { .images($0) }
        case "npy": return .npy(path: path, labels: labels)
        case "npz": return .npz(path: path)
        case "homework": return .homework(path: path)
        case "cifar10": return .cifar10(directory: path)
        case "cifar100": return .cifar100(directory: path)
        default: return .idx(directory: path)
        }
    }
}

extension ExperimentSpec {
    /// This spec for data whose source has a validation split of its own (the assignment's file,
    /// an `.npz` with `valid_x`), so that `data.validation` holds nothing out: the resolved spec
    /// leaves it out, saying what the run uses, and where the spec wrote it `unusedValidation` says
    /// where, for a note.
    public func usingSourceValidation() -> ExperimentSpec {
        var spec = self
        guard var root = resolved.entries, let index = root.firstIndex(where: { $0.key == "data" }),
            var data = root[index].value.entries, let written = data.firstIndex(where: { $0.key == "validation" })
        else { return spec }
        let origin = data.remove(at: written).value.origin
        root[index].value.content = .mapping(data)
        spec.resolved.content = .mapping(root)
        spec.data.validation = 0
        spec.data.unusedValidation = origin == .defaulted ? nil : origin
        return spec
    }
}
