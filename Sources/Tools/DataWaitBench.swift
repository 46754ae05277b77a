import Data
import Foundation
import Graph
import Kernels
import RunFolder
import Runner
import Spec

extension Bench {
    /// How much of a training loop fed from a streamed image folder went to waiting for data.
    public struct DataWait: Sendable {
        /// Images trained per second, waiting included.
        public var imagesPerSecond: Double
        /// The share of the loop's time the steps spent waiting for their batch, in percent.
        public var waitPercent: Double
        /// The batches trained.
        public var batches: Int
    }

    /// Whether the spec at `path` reads an image folder, whose images a run may stream.
    public static func readsImageFolder(_ path: String) throws -> Bool {
        if case .images = try SpecCheck.run(path: path).get().spec.data.source { return true }
        return false
    }

    /// Trains the spec at `path` (with `overrides`, such as
    /// `data.source={images: DIR, shape: [64, 64, 3]}`) for about `seconds` on its own training
    /// images, streamed whatever the folder's size: each batch handed over by a `BatchPrefetcher`
    /// that decodes the next while the step runs, as a run's epochs are. Refused when the data is
    /// not an image folder.
    public static func dataWait(
        _ path: String, overrides: [String] = [], seconds: Double, context: ExecutionContext
    ) throws -> DataWait {
        var checked = try SpecCheck.run(path: path, overrides: overrides).get()
        guard case .images(var source) = checked.spec.data.source else {
            throw RunError(
                "\(path): its data is not an image folder (`data.source: {images: DIR}`), so nothing streams")
        }
        source.stream = true
        checked.spec.data.source = .images(source)
        let spec = checked.spec
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let data = try ExperimentData.load(spec.data, seed: spec.seed, specDirectory: folder)
        let batch = spec.train.batchSize
        let buffer = FloatBuffer(count: batch * data.train.imageSize)
        let phases = try plannedPhases(checked, data: buffer, context: context)
        var sampler = spec.prior.map { PriorSampler(prior: $0, seed: spec.seed) }
        var shuffle = RandomStream(seed: spec.seed, name: "bench/data-wait")
        var (waited, images, batches): (UInt64, Int, Int) = (0, 0, 0)
        let start = monotonicNanoseconds()
        func elapsed() -> UInt64 { monotonicNanoseconds() - start }
        while Double(elapsed()) < seconds * 1e9 {
            let order = Shuffling.permutation(count: data.train.count, random: &shuffle)
            let list = Shuffling.batches(order, size: batch, dropLast: true)
            guard !list.isEmpty else { throw RunError("\(path): fewer training images than one batch of \(batch)") }
            let prefetcher = BatchPrefetcher(images: data.train, batches: list, capacity: batch)
            defer { waited += prefetcher.statistics.waitNanoseconds }
            defer { prefetcher.stop() }
            for (number, indices) in list.enumerated() where Double(elapsed()) < seconds * 1e9 {
                try prefetcher.take(
                    number, scale: 1 / 255, into: UnsafeMutableBufferPointer(start: buffer.pointer, count: buffer.count)
                )
                for phase in phases { phase.step(batch: indices.count, sampler: &sampler) }
                (images, batches) = (images + indices.count, batches + 1)
            }
        }
        let total = Double(elapsed())
        return DataWait(
            imagesPerSecond: Double(images) / (total / 1e9), waitPercent: 100 * Double(waited) / total, batches: batches
        )
    }
}
