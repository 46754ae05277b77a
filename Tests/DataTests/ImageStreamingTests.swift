import Foundation
import Testing

@testable import Data

/// An image folder streamed from its files gives the bytes the in-memory folder holds, in any
/// order, through `writeBatch` and through the background prefetcher; the prefetcher counts the
/// step's wait; a file spoilt after the folder was read is named when its batch is decoded.
struct ImageStreamingTests {
    /// Ten images in two class folders, PNG and JPEG, grey and colour, of two sizes (fitted to 8×8×3).
    static func folder() throws -> URL {
        let folder = try ImageFolderTests.scratch()
        for index in 0..<10 {
            let name = "\(index < 4 ? "cat" : "dog")/\(index)"
            let side = index % 3 == 0 ? 12 : 8
            if index % 2 == 0 {
                let image = ImageFolderTests.picture(
                    width: side, height: side, channels: index % 4 == 0 ? 1 : 3, shift: index)
                try ImageFolderTests.write(try ImageEncoder.png(image), name + ".png", in: folder)
            } else {
                let image = ImageFolderTests.smooth(width: side, height: side)
                try ImageFolderTests.write(try ImageEncoder.jpeg(image), name + ".jpg", in: folder)
            }
        }
        return folder
    }

    static let fitting = ImageFitting(shape: [8, 8, 3])

    static func floats(_ count: Int) -> [Float] { [Float](repeating: -1, count: count) }

    @Test func aStreamedFolderHoldsPathsAndGivesTheInMemoryBytes() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let memory = try ImageFolder.read(folder.path, fitting: Self.fitting).images
        let streamed = try ImageFolder.read(folder.path, fitting: Self.fitting, memoryLimit: 0).images
        #expect(memory.files == nil)
        #expect(streamed.files?.paths.count == 10)
        #expect(streamed.labels == memory.labels)
        #expect(streamed.imageShape == memory.imageShape)
        #expect(try streamed.loadedImages() == memory.images)
        let order = [7, 2, 9, 0, 5, 3]
        #expect(try streamed.subset(order).loadedImages() == memory.subset(order).images)
        var fromMemory = Self.floats(6 * 192), fromFiles = Self.floats(6 * 192)
        try fromMemory.withUnsafeMutableBufferPointer { try memory.writeBatch(order[...], scale: 1 / 255, into: $0) }
        try fromFiles.withUnsafeMutableBufferPointer { try streamed.writeBatch(order[...], scale: 1 / 255, into: $0) }
        #expect(fromFiles == fromMemory)
    }

    @Test func aFolderStreamsOnlyBeyondItsMemoryLimit() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // 10 images of 8×8×3 bytes once fitted (fitting comes before the limit is counted).
        #expect(try ImageFolder.read(folder.path, fitting: Self.fitting, memoryLimit: 1920).images.files == nil)
        #expect(try ImageFolder.read(folder.path, fitting: Self.fitting, memoryLimit: 1919).images.files != nil)
    }

    @Test func thePrefetcherHandsOverTheBatchesWriteBatchGives() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let streamed = try ImageFolder.read(folder.path, fitting: Self.fitting, memoryLimit: 0).images
        let batches = Shuffling.batches([4, 8, 1, 0, 9, 3, 6, 2, 7, 5], size: 3)
        let prefetcher = BatchPrefetcher(images: streamed, batches: batches, capacity: 3)
        defer { prefetcher.stop() }
        for (number, batch) in batches.enumerated() {
            var expected = Self.floats(batch.count * 192), taken = Self.floats(batch.count * 192)
            try expected.withUnsafeMutableBufferPointer { try streamed.writeBatch(batch, scale: 1 / 255, into: $0) }
            try taken.withUnsafeMutableBufferPointer { try prefetcher.take(number, scale: 1 / 255, into: $0) }
            #expect(taken == expected, "batch \(number)")
        }
        #expect(prefetcher.statistics.batches == 4)
    }

    @Test func thePrefetcherCountsOnlyTheTimeTheStepWaited() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let streamed = try ImageFolder.read(folder.path, fitting: Self.fitting, memoryLimit: 0).images
        let batches = Shuffling.batches(Array(0..<10), size: 5)
        let prefetcher = BatchPrefetcher(images: streamed, batches: batches, capacity: 5)
        defer { prefetcher.stop() }
        var output = Self.floats(5 * 192)
        // Taken at once, the first batch is still being decoded: the step waits for it.
        try output.withUnsafeMutableBufferPointer { try prefetcher.take(0, scale: 1, into: $0) }
        let first = prefetcher.statistics.waitNanoseconds
        #expect(first > 0)
        // A step of 300 ms leaves the thread ample time to decode the second batch of five files.
        Thread.sleep(forTimeInterval: 0.3)
        try output.withUnsafeMutableBufferPointer { try prefetcher.take(1, scale: 1, into: $0) }
        let second = prefetcher.statistics.waitNanoseconds - first
        #expect(second < 100_000_000, "waited \(second) ns for a batch decoded during the step")
        #expect(prefetcher.statistics.batches == 2)
    }

    @Test func aFileSpoiltAfterReadingIsNamedWhenItsBatchIsDecoded() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let streamed = try ImageFolder.read(folder.path, fitting: Self.fitting, memoryLimit: 0).images
        let spoilt = try #require(streamed.files?.paths[6])
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]).write(to: URL(fileURLWithPath: spoilt))
        let batches = Shuffling.batches([0, 1, 2, 6, 7], size: 3)
        let prefetcher = BatchPrefetcher(images: streamed, batches: batches, capacity: 3)
        defer { prefetcher.stop() }
        var output = Self.floats(3 * 192)
        try output.withUnsafeMutableBufferPointer { try prefetcher.take(0, scale: 1, into: $0) }
        let error = #expect(throws: SourceError.self) {
            try output.withUnsafeMutableBufferPointer { try prefetcher.take(1, scale: 1, into: $0) }
        }
        #expect(error?.source == spoilt)
        #expect(throws: SourceError.self) {
            try output.withUnsafeMutableBufferPointer { try streamed.writeBatch([6], scale: 1, into: $0) }
        }
    }

    @Test func aStreamedFolderStillRefusesAnUnreadableFileBeforeTraining() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try ImageFolderTests.write(Data(), "dog/empty.png", in: folder)
        let error = #expect(throws: SourceError.self) {
            try ImageFolder.read(folder.path, fitting: Self.fitting, memoryLimit: 0)
        }
        #expect(error?.source.hasSuffix("dog/empty.png") == true)
        let skipping = try ImageFolder.read(folder.path, fitting: Self.fitting, skipUnreadable: true, memoryLimit: 0)
        #expect(skipping.skipped.count == 1)
        #expect(skipping.images.files?.paths.count == 10)
    }

    @Test func stoppingMidEpochEndsTheThread() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let streamed = try ImageFolder.read(folder.path, fitting: Self.fitting, memoryLimit: 0).images
        let prefetcher = BatchPrefetcher(
            images: streamed, batches: Shuffling.batches(Array(0..<10), size: 1), capacity: 1)
        var output = Self.floats(192)
        try output.withUnsafeMutableBufferPointer { try prefetcher.take(0, scale: 1, into: $0) }
        // Returns only once the thread has ended; a thread still waiting for a slot would hang here.
        prefetcher.stop()
        prefetcher.stop()
        #expect(prefetcher.statistics.batches == 1)
    }
}
