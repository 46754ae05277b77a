import Kernels

/// The `hardtanh` layer: each value clamped to [min, max] (PyTorch's `nn.Hardtanh`). VAMP's
/// pseudo-inputs are a dense layer of `eye(K)` clamped to the pixels' range [0, 1].
///
/// Not a fused activation: it is rare, and its own pass keeps the kernels' epilogues short.
public struct Hardtanh: ElementwiseLayer {
    public let minimum: Double
    public let maximum: Double

    public var outputIsReusable: Bool { true }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        let (low, high) = (Float(minimum), Float(maximum))
        for i in 0..<(b.batch * b.inputShape.elementCount) { b.output[i] = min(max(b.input[i], low), high) }
    }

    /// The gradient passes where the input lay strictly inside the range, as PyTorch's does: the
    /// output tells, since a clamped value sits on a bound.
    public func backward(_ b: LayerBuffers) {
        guard let dInput = b.dInput else { return }
        let (low, high) = (Float(minimum), Float(maximum))
        for i in 0..<(b.batch * b.inputShape.elementCount) {
            let passed = b.output[i] > low && b.output[i] < high ? b.dOutput[i] : 0
            dInput[i] = b.accumulateInput ? dInput[i] + passed : passed
        }
    }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        TorchModule("nn.Hardtanh(\(TorchModule.number(minimum)), \(TorchModule.number(maximum)))")
    }
}
