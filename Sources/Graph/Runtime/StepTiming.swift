import Kernels

/// Where a training step's time goes, for `runexp bench`: nanoseconds inside GEMM, inside the
/// convolution lowerings (im2col, col2im) and inside optimizer updates. Programs given one pass its
/// counters to the kernels; only the thread that drives the step adds to them.
///
/// Each convolution and dense layer application gets a product counter of its own
/// (`layerCounter`), so the bench can say what each layer's products achieved.
public final class StepTiming: @unchecked Sendable {
    private let counters = UnsafeMutablePointer<UInt64>.allocate(capacity: 3)
    private var layerCounters: [UnsafeMutablePointer<UInt64>] = []

    public init() { counters.initialize(repeating: 0, count: 3) }
    deinit {
        counters.deallocate()
        for counter in layerCounters { counter.deallocate() }
    }

    var gemmCounter: UnsafeMutablePointer<UInt64> { counters }
    var convolutionCounter: UnsafeMutablePointer<UInt64> { counters + 1 }
    var optimizerCounter: UnsafeMutablePointer<UInt64> { counters + 2 }

    /// A new counter for one layer application's products (convolutions and GEMMs), counted in
    /// `gemmNanoseconds` too. Called by the planner, once per application.
    func layerCounter() -> UnsafeMutablePointer<UInt64> {
        let counter = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        counter.initialize(to: 0)
        layerCounters.append(counter)
        return counter
    }

    /// Time in products: GEMMs and oneDNN's convolutions.
    public var gemmNanoseconds: UInt64 { layerCounters.reduce(counters[0]) { $0 &+ $1.pointee } }
    public var convolutionNanoseconds: UInt64 { counters[1] }
    public var optimizerNanoseconds: UInt64 { counters[2] }

    public func reset() {
        counters.update(repeating: 0, count: 3)
        for counter in layerCounters { counter.pointee = 0 }
    }
}

/// One convolution or dense layer application's products in a step, for `runexp bench`.
public struct LayerProducts: Sendable {
    /// `encoder layer 0 (Conv2D)`.
    public var place: String
    /// What computes them: `oneDNN convolution`, `im2col + OpenBLAS GEMM`, `oneDNN GEMM`.
    public var server: String
    /// Floating-point operations per full batch: forward (unless copied from an earlier phase),
    /// and the input and weight gradients where backward computes them.
    public var flops: Int
    /// Time in them since the timing was last reset.
    public var nanoseconds: UInt64
}
