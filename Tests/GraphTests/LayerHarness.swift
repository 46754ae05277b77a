import Kernels

@testable import Graph

/// The context a test plans with on `library`: the threads BLAS runs with, as a run's plans have.
func planContext(_ library: ProductLibrary = .openBLAS) -> ExecutionContext {
    ExecutionContext(library: library, threads: blasThreadCount())
}

/// Runs one layer directly on given arrays: forward, then backward from a given output gradient.
struct LayerHarness {
    var output: [Float] = []
    var dInput: [Float] = []
    var gradients: [[Float]] = []
    var parameters: [[Float]] = []
    /// Whether the layer ran on oneDNN's convolution primitives.
    var servedByOneDNN = false

    init(
        _ layer: any Layer, input: [Float], inputShape: SampleShape, batch: Int, parameters: [[Float]],
        dOutput: [Float], training: Bool = true, library: ProductLibrary = .openBLAS
    ) throws {
        let outputShape = try layer.outputShape(for: inputShape).get()
        let inputBuffer = FloatBuffer(count: input.count)
        inputBuffer.set(input)
        let outputBuffer = FloatBuffer(count: batch * outputShape.elementCount)
        let dOutputBuffer = FloatBuffer(count: dOutput.count)
        dOutputBuffer.set(dOutput)
        let dInputBuffer = FloatBuffer(count: input.count)
        let tensors = parameters.map { values -> FloatBuffer in
            let buffer = FloatBuffer(count: values.count)
            buffer.set(values)
            return buffer
        }
        let trainable = zip(layer.parameters(for: inputShape), tensors).filter { $0.0.trainable }
        let gradientBuffers = trainable.map { FloatBuffer(count: $0.1.count) }
        let size = layer.scratch(input: inputShape, output: outputShape, batch: batch)
        let scratch = FloatBuffer(count: size.floats)
        let doubles = DoubleBuffer(count: size.doubles)
        var buffers = LayerBuffers(
            batch: batch, inputShape: inputShape, outputShape: outputShape, input: inputBuffer.pointer,
            output: outputBuffer.pointer, dInput: dInputBuffer.pointer, dOutput: dOutputBuffer.pointer,
            accumulateInput: false, parameters: tensors.map(\.pointer), gradients: gradientBuffers.map(\.pointer),
            scratch: scratch.pointer, doubleScratch: doubles.pointer, training: training)
        buffers.context = ExecutionContext(library: library)
        if library == .oneDNN, let convolution = layer.directConvolution(for: buffers, backward: true) {
            buffers.convolution = convolution
        }
        var random = RandomStream(seed: 0, name: "harness")
        layer.forward(buffers, random: &random)
        layer.backward(buffers)
        servedByOneDNN = buffers.convolution != nil
        output = outputBuffer.values
        dInput = dInputBuffer.values
        gradients = gradientBuffers.map(\.values)
        self.parameters = tensors.map(\.values)
    }
}
