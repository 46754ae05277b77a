#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Wall time spent inside the heavy kernels (GEMM and the convolution lowerings), so `runexp bench`
/// can say how much of a training step is everything else: the loop's overhead.
///
/// Off by default; when off each kernel pays one load and branch. The counters are plain globals,
/// meant for the single thread that drives a training step.
public enum KernelClock {
    nonisolated(unsafe) public static var isEnabled = false
    /// Nanoseconds inside GEMM since the last `reset`.
    nonisolated(unsafe) public static var gemmNanoseconds: UInt64 = 0
    /// Nanoseconds inside im2col and col2im since the last `reset`.
    nonisolated(unsafe) public static var convolutionNanoseconds: UInt64 = 0
    /// Nanoseconds inside optimizer updates since the last `reset` (measured by their caller).
    nonisolated(unsafe) public static var optimizerNanoseconds: UInt64 = 0

    public static func reset() {
        gemmNanoseconds = 0
        convolutionNanoseconds = 0
        optimizerNanoseconds = 0
    }

    /// A monotonic clock reading in nanoseconds.
    @inline(__always)
    public static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
