#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A monotonic clock reading in nanoseconds, for kernels that add their own duration to a counter
/// their caller passes in (`elapsed:`), so a benchmark can split a step into GEMM, convolution
/// lowering and the rest without the kernels keeping any state of their own.
@inline(__always)
public func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}

/// Adds the time since `start` to `counter` when there is one.
@inline(__always)
public func addElapsed(since start: UInt64, to counter: UnsafeMutablePointer<UInt64>?) {
    if let counter { counter.pointee &+= monotonicNanoseconds() &- start }
}
