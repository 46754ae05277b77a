import Foundation

/// Decodes a streamed split's batches on a background thread, one batch ahead of the training
/// step, so the step finds the next batch decoded while it was computing the last. Batches are
/// handed over strictly in the order given, each decoded from its own files alone, so what the
/// step reads never depends on the thread's timing.
///
/// Two slots of uint8 pixels alternate: the thread fills slot `k % 2` only after the step has
/// released it (the `free` semaphore) and the step reads it only after the thread has signalled
/// it full (`filled`); the semaphores order every write before the read that follows, which is
/// why the class may be shared with its thread (`@unchecked Sendable`).
public final class BatchPrefetcher: @unchecked Sendable {
    /// What the step spent waiting for data, and over how many batches.
    public struct Statistics: Sendable, Equatable {
        /// Nanoseconds the step spent blocked in `take`, waiting for its batch to be decoded.
        public var waitNanoseconds: UInt64 = 0
        /// Batches handed over.
        public var batches = 0
    }

    private let images: LabeledImages
    private let batches: [ArraySlice<Int>]
    private let slotSize: Int
    private let slots: [UnsafeMutablePointer<UInt8>]
    /// Each slot's decoding error; kept apart from the slots' pixels so that neither side touches
    /// memory the other is writing.
    private let failures: UnsafeMutablePointer<Error?>
    /// Both slots start free; signalled rather than made with value 2, since libdispatch refuses to
    /// dispose of a semaphore left below the value it was made with.
    private let free = DispatchSemaphore(value: 0)
    private let filled = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var cancelled = false
    private var stopped = false
    private var nextBatch = 0
    /// The step's waiting so far.
    public private(set) var statistics = Statistics()

    /// Starts decoding `batches` (indices into `images`, each at most `capacity` long) in order.
    /// The thread holds the prefetcher until it ends: call `stop()` when done with it.
    public init(images: LabeledImages, batches: [ArraySlice<Int>], capacity: Int) {
        self.images = images
        self.batches = batches
        let slotSize = max(capacity, 1) * images.imageSize
        self.slotSize = slotSize
        slots = (0..<2).map { _ in UnsafeMutablePointer<UInt8>.allocate(capacity: max(slotSize, 1)) }
        failures = UnsafeMutablePointer<Error?>.allocate(capacity: 2)
        failures.initialize(repeating: nil, count: 2)
        free.signal()
        free.signal()
        let thread = Thread { [self] in work() }
        thread.name = "runexp batch prefetcher"
        thread.start()
    }

    deinit {
        stop()
        for slot in slots { slot.deallocate() }
        failures.deinitialize(count: 2)
        failures.deallocate()
    }

    private var isCancelled: Bool { lock.withLock { cancelled } }

    private func work() {
        for (number, batch) in batches.enumerated() {
            free.wait()
            if isCancelled { break }
            let slot = number % 2
            do {
                try images.writeBytes(batch, into: slots[slot])
                failures[slot] = nil
            } catch {
                failures[slot] = error
            }
            filled.signal()
        }
        finished.signal()
    }

    /// Writes the next batch (the `number`th, counting from 0; batches are taken in order) into
    /// `output` as floats times `scale`, waiting for it if it is not decoded yet. A file that could
    /// not be decoded is thrown, named.
    public func take(_ number: Int, scale: Float, into output: UnsafeMutableBufferPointer<Float>) throws {
        precondition(number == nextBatch && number < batches.count, "batches are taken once each, in order")
        let count = batches[number].count * images.imageSize
        guard output.count >= count else {
            throw SourceError("data set", "batch buffer holds \(output.count) floats, needs \(count)")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        filled.wait()
        statistics.waitNanoseconds += DispatchTime.now().uptimeNanoseconds - start
        statistics.batches += 1
        nextBatch += 1
        let slot = number % 2
        defer { free.signal() }
        if let failure = failures[slot] { throw failure }
        LabeledImages.widen(slots[slot], count: count, scale: scale, into: output)
    }

    /// Ends the thread (after the batch it is decoding) and waits for it; the batches not taken
    /// are dropped. Safe to call more than once.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        lock.withLock { cancelled = true }
        // Wakes the thread if it waits for a slot; it then sees `cancelled` and ends.
        free.signal()
        finished.wait()
    }
}
