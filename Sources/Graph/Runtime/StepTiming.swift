import Kernels

/// Where a training step's time goes, for `runexp bench`: nanoseconds inside GEMM, inside the
/// convolution lowerings (im2col, col2im) and inside optimizer updates. Programs given one pass its
/// counters to the kernels; only the thread that drives the step adds to them.
public final class StepTiming: @unchecked Sendable {
    private let counters = UnsafeMutablePointer<UInt64>.allocate(capacity: 3)

    public init() { counters.initialize(repeating: 0, count: 3) }
    deinit { counters.deallocate() }

    var gemmCounter: UnsafeMutablePointer<UInt64> { counters }
    var convolutionCounter: UnsafeMutablePointer<UInt64> { counters + 1 }
    var optimizerCounter: UnsafeMutablePointer<UInt64> { counters + 2 }

    public var gemmNanoseconds: UInt64 { counters[0] }
    public var convolutionNanoseconds: UInt64 { counters[1] }
    public var optimizerNanoseconds: UInt64 { counters[2] }

    public func reset() { counters.update(repeating: 0, count: 3) }
}
