import Data
import Foundation
import Spec
import RunFolder

/// What `runexp apply` reads its images from: whatever a spec's data may be, decided by what the
/// path is. A folder of CIFAR batches is CIFAR, another folder an image folder (fitted to the run's
/// image shape), a `.npz` the npz layout, a `.npy` holding a pickled object array the assignment's
/// `MNIST_M.npy`, any other `.npy` a plain array. Every split of the input is read, in the order
/// train, validation, test.
enum ApplyInput {
    /// The data source `path` is, for a run whose images are `shape` (H×W×C; nil when flat).
    static func source(_ path: String, shape: [Int]?) throws -> DataSpec.Source {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw RunError("\(path): no such file or folder")
        }
        if isFolder.boolValue {
            let names = Set((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            if !names.isDisjoint(with: [
                "data_batch_1", "data_batch_1.bin", "cifar-10-batches-py", "cifar-10-batches-bin",
            ]) {
                return .cifar10(directory: path)
            }
            if !names.isDisjoint(with: ["train.bin", "cifar-100-python", "cifar-100-binary"])
                || (names.contains("train") && names.contains("meta"))
            {
                return .cifar100(directory: path)
            }
            let fitted = shape.flatMap { $0.count == 3 ? $0 : nil }
            return .images(
                ImageFolderSource(
                    directory: path, shape: fitted, resize: nil, centerCrop: false, skipUnreadable: false))
        }
        if path.hasSuffix(".npz") { return .npz(path: path) }
        return try holdsObjects(path) ? .homework(path: path) : .npy(path: path, labels: nil)
    }

    /// Whether the `.npy` file at `path` declares an object array (a pickle, as `MNIST_M.npy` is).
    static func holdsObjects(_ path: String) throws -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw RunError("\(path): cannot be read") }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        guard let header = try? head.withUnsafeBytes({ try NpyHeader.parse($0, source: path) }) else { return false }
        return header.descr.contains("O")
    }

    /// Every image of `data`, its splits one after the other.
    static func allImages(_ data: ExperimentData, source path: String) throws -> LabeledImages {
        let splits = [data.train] + [data.validation, data.test].compactMap { $0 }.filter { $0.count > 0 }
        guard splits.count > 1 else { return data.train }
        let shape = data.train.imageShape
        var bytes: [UInt8] = [], labels: [UInt8] = []
        for split in splits {
            guard split.imageShape == shape else {
                throw RunError("\(path): its splits hold images of different shapes")
            }
            bytes += try split.loadedImages().bytes
            labels += split.labels
        }
        let images = try NumericArray(shape: [labels.count] + shape, dtype: .uint8, bytes: bytes)
        return try LabeledImages(images: images, labels: labels, source: path)
    }
}
