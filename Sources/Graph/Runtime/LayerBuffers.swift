import Kernels

/// Everything one application of a layer reads and writes, fixed by the planner once per phase.
///
/// Only `batch` changes from step to step (the last batch of an epoch may be smaller than the
/// capacity the buffers were planned for).
public struct LayerBuffers {
    /// Samples in this step, at most the planned capacity.
    public var batch: Int
    public let inputShape: SampleShape
    public let outputShape: SampleShape
    public let input: UnsafeMutablePointer<Float>
    public let output: UnsafeMutablePointer<Float>
    /// Where the input gradient goes; nil when nothing upstream needs it.
    public let dInput: UnsafeMutablePointer<Float>?
    /// The gradient arriving from the consumers of `output` (a zero-length dummy in forward-only plans).
    public let dOutput: UnsafeMutablePointer<Float>
    /// Whether `dInput` already holds another consumer's contribution, to add to rather than overwrite.
    public let accumulateInput: Bool
    /// The layer's tensors, in the order of `Layer.parameters(for:)`.
    public let parameters: [UnsafeMutablePointer<Float>]
    /// Gradients of the trainable tensors, accumulated (zeroed once per step); nil when the phase does
    /// not update this network.
    public let gradients: [UnsafeMutablePointer<Float>]?
    public let scratch: UnsafeMutablePointer<Float>
    public let doubleScratch: UnsafeMutablePointer<Double>
    /// Training mode (batch statistics, dropout) or evaluation mode.
    public let training: Bool
}
