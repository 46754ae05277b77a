import Data
import Kernels
import Spec

/// The semi-supervised setting's labelled images (`data.labeled: n`): which training images keep
/// their label, equally many of each class, and the order `batches: labeled` phases draw them in.
public enum LabeledSubset {
    /// `count` training images, `count / classes` of each class (the first `count % classes`
    /// classes one more), taken in the order of a permutation from the stream `data/labeled`.
    /// Returns their indices in ascending order; throws, located at `data.labeled`, when the
    /// data has no labels or too few images of a class.
    public static func choose(
        _ count: Int, of train: LabeledImages, labeled: Bool, seed: UInt64, origin: Origin
    ) throws -> [Int] {
        guard labeled else {
            throw Diagnostic(origin, "data.labeled keeps the labels of \(count) training images, but the data has none")
        }
        guard count <= train.count else {
            throw Diagnostic(
                origin, "data.labeled asks for \(count) labelled images, but the training split has \(train.count)")
        }
        let classes = Int(train.labels.max() ?? 0) + 1
        guard count >= classes else {
            throw Diagnostic(
                origin, "data.labeled must keep at least one image of each of the \(classes) classes; found \(count)")
        }
        var quota = (0..<classes).map { count / classes + ($0 < count % classes ? 1 : 0) }
        var stream = RandomStream(seed: seed, name: "data/labeled")
        var chosen: [Int] = []
        for index in Shuffling.permutation(count: train.count, random: &stream) {
            let label = Int(train.labels[index])
            guard quota[label] > 0 else { continue }
            quota[label] -= 1
            chosen.append(index)
        }
        if let short = quota.firstIndex(where: { $0 > 0 }) {
            throw Diagnostic(
                origin,
                "data.labeled needs \(count / classes) training images of class \(short), but the training split has fewer"
            )
        }
        return chosen.sorted()
    }

    /// The training images of batch `number` (0, 1, …) of a `batches: labeled` phase: passes over
    /// the labelled images, each in the order of its own permutation (stream `labeled/pass-<p>`),
    /// every batch full, so a batch depends on its number alone and a resumed run draws the same.
    public struct Batches {
        public let images: [Int]
        public let batchSize: Int
        let seed: UInt64
        private var pass = -1
        private var order: [Int] = []

        public init(images: [Int], batchSize: Int, seed: UInt64) {
            self.images = images
            self.batchSize = min(batchSize, images.count)
            self.seed = seed
        }

        public mutating func batch(number: Int) -> ArraySlice<Int> {
            let perPass = images.count / batchSize
            let (wanted, position) = number.quotientAndRemainder(dividingBy: perPass)
            if wanted != pass {
                var stream = RandomStream(seed: seed, name: "labeled/pass-\(wanted)")
                order = Shuffling.permutation(count: images.count, random: &stream).map { images[$0] }
                pass = wanted
            }
            return order[(position * batchSize)..<((position + 1) * batchSize)]
        }
    }
}
