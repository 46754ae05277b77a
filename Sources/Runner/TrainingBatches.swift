import Data

extension Trainer {
    /// A prefetcher decoding this epoch's batches (of `order`) ahead of the steps, when the
    /// training images are streamed from their files; nil when they are in memory.
    func startPrefetcher(_ order: [Int]) -> BatchPrefetcher? {
        guard data.train.files != nil else { return nil }
        let size = checked.spec.train.batchSize
        return BatchPrefetcher(images: data.train, batches: Shuffling.batches(order, size: size), capacity: size)
    }

    /// Fills the batch buffer with the epoch's batch `number` (the images at `indices`): from the
    /// prefetcher, counting its wait to `data_wait`, or straight from memory.
    func loadBatch(_ number: Int, _ indices: ArraySlice<Int>, from prefetcher: BatchPrefetcher?) throws {
        let buffer = UnsafeMutableBufferPointer(start: batchBuffer.pointer, count: batchBuffer.count)
        guard let prefetcher else { return try data.train.writeBatch(indices, scale: 1 / 255, into: buffer) }
        let waited = prefetcher.statistics.waitNanoseconds
        try prefetcher.take(number, scale: 1 / 255, into: buffer)
        clock.add(.dataWait, Double(prefetcher.statistics.waitNanoseconds - waited) / 1e9)
    }
}
