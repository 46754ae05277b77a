import Data
import Foundation
import Runner
import Spec

/// `runexp data homework`: the assignment's own three files, made from the embedded data.
public enum HomeworkFiles {
    /// The file names, as the assignment gives them.
    public static let names = ["MNIST_M.npy", "data.npy", "labels.npy"]

    /// Writes, into `folder` (made if missing), `MNIST_M.npy` (embedded MNIST-M: 5,900 / 100 / 1,000
    /// images in the assignment's pickled object array), `data.npy` (5,900 embedded MNIST digits,
    /// float32 N×784 in [0, 1]) and `labels.npy` (their uint8 labels), all or none. The images are
    /// each source's train, validation (0.1, as `cnn_ae.yaml` and `aae_mlp.yaml` hold out) and test
    /// splits in that order, drawn with `seed` as a run draws them. Returns a one-line summary.
    public static func write(folder: String, seed: UInt64) throws -> String {
        let paths = names.map { URL(fileURLWithPath: folder).appendingPathComponent($0).path }
        for path in paths { try AtomicFile.checkDestination(path) }
        let colour = try pooled(.mnistM, seed: seed)
        let homework = HomeworkDataset(
            try colour.subset(Array(0..<5900)), try colour.subset(Array(5900..<6000)),
            try colour.subset(Array(6000..<7000)))
        let digits = try pooled(.mnist, seed: seed).subset(Array(0..<5900))
        // NumPy's `(x / 255).astype(np.float32)`: divided in double, then rounded once to float.
        let flat = try NumericArray(shape: [5900, 784], elements: digits.images.bytes.map { Float(Double($0) / 255) })
        let labels = try NumericArray(shape: [5900], elements: digits.labels)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw SourceError(folder, "cannot make the folder: \(error.localizedDescription)")
        }
        try AtomicFile.writeTogether(
            zip([homework.encode(), NPY.encode(flat), NPY.encode(labels)], paths).map { (Data($0), $1) })
        return "\(folder): MNIST_M.npy (5,900 / 100 / 1,000 MNIST-M images), data.npy (5,900 × 784 float32 "
            + "digits) and labels.npy, seed \(seed)"
    }

    /// A source's train, validation and test images one after the other.
    static func pooled(_ source: DataSpec.Source, seed: UInt64) throws -> LabeledImages {
        let data = try ExperimentData.load(DataSpec(source: source, validation: 0.1), seed: seed, specDirectory: "")
        let splits = [data.train] + [data.validation, data.test].compactMap { $0 }
        let shape = [splits.map(\.count).reduce(0, +)] + data.train.imageShape
        return try LabeledImages(
            images: NumericArray(
                shape: shape, dtype: .uint8, bytes: try splits.flatMap { try $0.loadedImages().bytes }),
            labels: splits.flatMap(\.labels))
    }
}
