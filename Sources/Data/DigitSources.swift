import Foundation
import Kernels

/// A data set's training and test splits.
public struct TrainTestSplits: Sendable, Equatable {
    /// The training split.
    public var train: LabeledImages
    /// The test split.
    public var test: LabeledImages

    /// Pairs the two splits.
    public init(train: LabeledImages, test: LabeledImages) {
        self.train = train
        self.test = test
    }
}

extension IDX {
    /// Reads a folder laid out like MNIST or Fashion-MNIST: `train*images-idx3*`,
    /// `train*labels-idx1*`, `t10k*images-idx3*` and `t10k*labels-idx1*`, gzipped or not.
    public static func readDirectory(_ directory: String) throws -> TrainTestSplits {
        let names = try folderEntries(directory).sorted()
        func file(_ prefix: String, _ kind: String) throws -> String {
            guard let name = names.first(where: { $0.hasPrefix(prefix) && $0.contains(kind) }) else {
                throw SourceError(directory, "no \(prefix)…\(kind)… file (IDX, optionally .gz) in the folder")
            }
            return URL(fileURLWithPath: directory).appendingPathComponent(name).path
        }
        return TrainTestSplits(
            train: try readLabeledImages(
                images: try file("train", "images-idx3"), labels: try file("train", "labels-idx1")),
            test: try readLabeledImages(
                images: try file("t10k", "images-idx3"), labels: try file("t10k", "labels-idx1")))
    }
}

/// Fashion-MNIST from Debian's `dataset-fashion-mnist` package.
public enum FashionMNIST {
    /// Where the Debian package installs the IDX files.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"

    /// Reads the train and test splits from `directory`, saying how to install them when missing.
    public static func read(directory: String = defaultDirectory) throws -> TrainTestSplits {
        guard FileManager.default.fileExists(atPath: directory) else {
            throw SourceError(
                directory,
                "Fashion-MNIST is not installed; install it with `sudo apt-get install dataset-fashion-mnist` or give an idx: folder"
            )
        }
        return try IDX.readDirectory(directory)
    }
}

extension EmbeddedData {
    /// The embedded MNIST train-5k and test-10k splits.
    public static func mnist() throws -> TrainTestSplits {
        TrainTestSplits(train: try mnistTrain(), test: try mnistTest())
    }

    /// MNIST-M made by the recipe from the embedded digits and photos; the same random stream
    /// gives byte-identical images. Train digits are coloured first, then test digits.
    public static func mnistM<Source: RandomWordSource>(random: inout Source) throws -> TrainTestSplits {
        let digits = try mnist()
        let photos = try backgrounds()
        return TrainTestSplits(
            train: try MNISTM.make(digits: digits.train, backgrounds: photos, random: &random),
            test: try MNISTM.make(digits: digits.test, backgrounds: photos, random: &random))
    }
}

extension MNISTM {
    /// Writes the splits as an `.npz` with `train_x`, `train_y`, `valid_x`, `valid_y`, `test_x`,
    /// `test_y` (images uint8 N×28×28×3, labels uint8 N), the layout NumPy and the benchmarks read.
    public static func writeNpz(
        train: LabeledImages, validation: LabeledImages, test: LabeledImages, to path: String, compressed: Bool = true,
        extra: [NamedArray] = []
    ) throws {
        var arrays: [NamedArray] = []
        for (name, split) in [("train", train), ("valid", validation), ("test", test)] {
            arrays.append(NamedArray("\(name)_x", try split.loadedImages()))
            arrays.append(NamedArray("\(name)_y", try NumericArray(shape: [split.count], elements: split.labels)))
        }
        try NPZ.write(arrays + extra, to: path, compressed: compressed)
    }
}
