import Kernels
import Spec

/// A fully connected layer: y = x·W + b over a flat input; W is `[inputs, units]`, row-major.
public struct Dense: FusesActivation {
    public let units: Int
    public let bias: Bool
    public var outputIsReusable: Bool { true }
    public var fixedOutput: SampleShape? { [units] }

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        guard input.count == 1 else {
            return .failure(
                ShapeMismatch("dense needs a flat input; found \(input.shapeText) (add `flatten` before it)"))
        }
        return .success([units])
    }

    public func parameters(for input: SampleShape) -> [ParameterShape] {
        [ParameterShape(name: "weight", shape: [input.elementCount, units], torchAxes: [1, 0])]
            + (bias ? [ParameterShape(name: "bias", shape: [units])] : [])
    }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        TorchModule("nn.Linear(\(input.elementCount), \(units), bias=\(TorchModule.flag(bias)))")
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int {
        saturatingSum(saturatingProduct([2, input.elementCount, units]), bias ? units : 0)
    }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        let inputs = b.inputShape.elementCount
        gemm(
            c: b.output, a: b.input, b: b.parameters[0], m: b.batch, n: units, k: inputs, accumulate: false,
            context: b.context, elapsed: b.gemmClock)
        b.finishOutput(bias: bias ? b.parameters[1] : nil, rows: b.batch, columns: units)
    }

    public func backward(_ b: LayerBuffers) {
        let inputs = b.inputShape.elementCount
        b.gradientBeforeEpilogue(dBias: bias ? b.gradients?[1] : nil, rows: b.batch, columns: units)
        if let gradients = b.gradients {
            gemm(
                c: gradients[0], a: b.input, b: b.dOutput, m: inputs, n: units, k: b.batch, transposeA: true,
                accumulate: b.accumulateParameters, context: b.context, elapsed: b.gemmClock)
        }
        if let dInput = b.dInput {
            gemm(
                c: dInput, a: b.dOutput, b: b.parameters[0], m: b.batch, n: inputs, k: units, transposeB: true,
                accumulate: b.accumulateInput, context: b.context, elapsed: b.gemmClock)
        }
    }
}
