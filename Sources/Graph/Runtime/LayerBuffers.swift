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
    /// Gradients of the trainable tensors; nil when the phase does not update this network.
    public let gradients: [UnsafeMutablePointer<Float>]?
    /// Whether `gradients` already hold another application's contribution this step (a network
    /// applied twice in one loss), to add to; the first application in backward order overwrites.
    public var accumulateParameters = true
    public let scratch: UnsafeMutablePointer<Float>
    public let doubleScratch: UnsafeMutablePointer<Double>
    /// Training mode (batch statistics, dropout) or evaluation mode.
    public let training: Bool
    /// The activation that follows this layer in its network, fused into the layer's output pass
    /// (`identity` when none is): `output` then holds the activation's output, and `dOutput` arrives
    /// as the gradient of that.
    public var epilogue: Activation = .identity
    /// What the layer's kernels run with: the plan's library for products and the threads its
    /// elementwise passes and convolution lowerings may split across (the planner sets it).
    public var context = ExecutionContext.serial
    /// Counters the layer's GEMM and convolution-lowering calls add their durations to (bench only).
    public var gemmClock: UnsafeMutablePointer<UInt64>?
    public var convolutionClock: UnsafeMutablePointer<UInt64>?
    /// oneDNN's primitives for a convolution layer, when the process's products run on oneDNN and
    /// it has them for this geometry; otherwise the layer lowers to im2col and GEMM.
    public var convolution: DirectConvolution?
}

extension LayerBuffers {
    /// Adds `bias` (when given) to each of `rows` rows of `columns` outputs and applies the fused
    /// activation, in one pass over the output.
    func finishOutput(bias: UnsafePointer<Float>?, rows: Int, columns: Int) {
        if let bias {
            biasActivationForward(
                output: output, input: output, bias: bias, rows: rows, columns: columns, activation: epilogue,
                context: context)
        } else if epilogue != .identity {
            activationForward(
                output: output, input: output, count: rows * columns, activation: epilogue, context: context)
        }
    }

    /// Turns `dOutput` from the gradient of the fused activation's output into the gradient of the
    /// layer's own (pre-activation) output, in place (nothing reads the former afterwards), and
    /// sums it into the bias gradient `dBias` (when the layer has a bias this phase trains) in the
    /// same pass: `rows` rows of `columns` outputs.
    func gradientBeforeEpilogue(dBias: UnsafeMutablePointer<Float>?, rows: Int, columns: Int) {
        epilogueBackward(
            dOutput: dOutput, output: output, dBias: dBias, rows: rows, columns: columns, activation: epilogue,
            accumulateBias: accumulateParameters, context: context)
    }
}
