import Dispatch
import Foundation

/// A value handed to worker threads that the caller promises to use race-free: each part
/// writes only its own disjoint slice of the memory behind it.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    /// The wrapped value, usually an unsafe pointer.
    public let value: Value

    public init(value: Value) { self.value = value }
}

/// The half-open range of `0..<count` that part `part` of `parts` owns: contiguous, equal to
/// within one element, and fixed by `(count, parts)` alone so results never depend on timing.
@inline(__always)
public func partRange(part: Int, parts: Int, count: Int) -> Range<Int> {
    (count * part / parts)..<(count * (part + 1) / parts)
}

/// Runs `body(part)` for every part on its own thread and waits for all of them.
///
/// Callers make each part compute values that do not depend on the split (per-point results),
/// so the output is bit-identical for every thread count. When oneDNN computes the products
/// (`library`, the caller's context's), the parts run on its OpenMP threads, so a step has one pool of threads: OpenMP's workers poll for
/// work a while after each primitive, and a second pool would share the cores with the pollers.
public func forEachPart(parts: Int, on library: ProductLibrary, _ body: @Sendable (Int) -> Void) {
    if parts <= 1 {
        body(0)
        return
    }
    if library == .oneDNN, OpenMP.runtime != nil {
        OpenMP.forEachPart(parts: parts, body)
        return
    }
    DispatchQueue.concurrentPerform(iterations: parts, execute: body)
}

/// The processors available to this process, at least 1: the default number of parts.
public func availableProcessorCount() -> Int {
    max(1, ProcessInfo.processInfo.activeProcessorCount)
}

/// Runs `body` on contiguous slices of `0..<count`, one per thread (up to `context.threads`, on
/// `context.library`'s threads as `forEachPart` says) when there
/// are at least `minimum` elements in all (`work`: how many elements one index stands for), else
/// on all at once on the calling thread.
///
/// For elementwise kernels: the BLAS threads are idle between BLAS calls, and each element's
/// result does not depend on which slice it falls in.
public func forEachSlice(
    of count: Int, work: Int = 1, minimum: Int = 1 << 16, context: ExecutionContext,
    _ body: @Sendable (Range<Int>) -> Void
) {
    let parts = count * work >= minimum ? max(1, min(context.threads, count)) : 1
    if parts <= 1 {
        body(0..<count)
        return
    }
    forEachPart(parts: parts, on: context.library) { part in body(partRange(part: part, parts: parts, count: count)) }
}
