#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// `iaf`: one inverse autoregressive flow step (Kingma et al., 2016) as pythae's VAE_IAF builds it,
/// on rows that carry their running log-determinant in the last value. The code is reversed, then
/// a MADE (masked dense layers with ReLU between them, `hidden` units each) reads it and gives a
/// shift m and a log-scale s per value, each depending only on the values before it; the layer maps
/// [z, log det] to [y·exp(s) + m, log det + Σ s], y the reversed z. Masks follow MADE's sequential
/// degrees: input i has degree i, hidden unit k degree k mod (d − 1), and output i sees the hidden
/// units of degree below i. Weights and biases start from U(±1/√fan-in), PyTorch's `nn.Linear`.
public struct InverseAutoregressiveFlow: Layer {
    public let hidden: [Int]

    public init(hidden: [Int]) {
        self.hidden = hidden
    }

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        guard input.count == 1, input[0] >= 3 else {
            return .failure(
                ShapeMismatch(
                    "iaf takes flat rows of a code of at least 2 values and its running log-determinant, as concat(z, 0) makes; found \(input.shapeText)"
                ))
        }
        return .success(input)
    }

    /// The widths of the MADE's layers for a code of `d` values: d, the hidden widths, then 2d.
    func widths(_ d: Int) -> [Int] { [d] + hidden + [2 * d] }

    public func parameters(for input: SampleShape) -> [ParameterShape] {
        let widths = widths(input.elementCount - 1)
        return (0..<widths.count - 1).flatMap { l -> [ParameterShape] in
            let bound = 1 / Float(widths[l]).squareRoot()
            return [
                ParameterShape(
                    name: "weight\(l)", shape: [widths[l], widths[l + 1]], initialDraw: .uniform(bound: bound),
                    torchName: "linears.\(l).weight", torchAxes: [1, 0]),
                ParameterShape(
                    name: "bias\(l)", shape: [widths[l + 1]], initialDraw: .uniform(bound: bound),
                    torchName: "linears.\(l).bias"),
            ]
        }
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int {
        let widths = widths(input.elementCount - 1)
        let products = (0..<widths.count - 1).map { 2 * widths[$0] * widths[$0 + 1] }
        return products.reduce(5 * input.elementCount) { saturatingSum($0, $1) }
    }

    /// The masked weights (written by forward), then per row: the reversed code, each hidden
    /// layer's output and the MADE's output; then backward's gradients of those.
    public func scratch(input: SampleShape, output: SampleShape, batch: Int) -> ScratchSize {
        let d = input.elementCount - 1, widths = widths(d)
        let weights = (0..<widths.count - 1).reduce(0) { $0 + widths[$1] * widths[$1 + 1] }
        let perRow = widths.reduce(0, +) + 2 * d + 2 * (hidden.max() ?? 0) + d
        return ScratchSize(floats: weights + batch * perRow)
    }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        TorchModule("InverseAutoregressiveFlow(\(input.elementCount - 1), \(hidden))")
    }

    /// Whether weight `l` connects its input `j` to its output `k`: MADE's sequential degrees.
    static func connects(_ l: Int, _ j: Int, _ k: Int, d: Int, last: Int) -> Bool {
        let from = l == 0 ? j : j % (d - 1)
        return l == last ? from < k % d : k % (d - 1) >= from
    }

    /// Where forward's and backward's values live in the scratch for `batch` rows, found by
    /// arithmetic (no arrays: a step allocates nothing).
    struct Plan {
        let hidden: [Int]
        let d: Int
        let batch: Int
        let scratch: UnsafeMutablePointer<Float>
        /// The index of the MADE's output layer's weight.
        var last: Int { hidden.count }

        /// The width of the MADE's layer `l`: the code, each hidden layer, then shifts and log-scales.
        func width(_ l: Int) -> Int { l == 0 ? d : l <= hidden.count ? hidden[l - 1] : 2 * d }

        /// Weight `l` with the mask applied (written by forward).
        func maskedWeight(_ l: Int) -> UnsafeMutablePointer<Float> {
            var offset = 0
            for i in 0..<l { offset += width(i) * width(i + 1) }
            return scratch + offset
        }

        /// Layer `l`'s values of each row: the reversed code (0), each hidden layer, the MADE's output.
        func activations(_ l: Int) -> UnsafeMutablePointer<Float> {
            var offset = 0
            for i in 0..<l { offset += width(i) }
            return maskedWeight(last + 1) + batch * offset
        }

        /// The gradient of the MADE's output, two buffers for the hidden layers' gradients, and the
        /// reversed code's.
        var dMade: UnsafeMutablePointer<Float> { activations(last + 2) }
        var dHidden: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) {
            let widest = hidden.max() ?? 0
            return (dMade + batch * 2 * d, dMade + batch * (2 * d + widest))
        }
        var dCode: UnsafeMutablePointer<Float> { dMade + batch * (2 * d + 2 * (hidden.max() ?? 0)) }
    }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        let n = b.inputShape.elementCount, d = n - 1
        let plan = Plan(hidden: hidden, d: d, batch: b.batch, scratch: b.scratch), last = plan.last
        for l in 0...last {
            let (weight, masked, outputs) = (b.parameters[2 * l], plan.maskedWeight(l), plan.width(l + 1))
            for j in 0..<plan.width(l) {
                for k in 0..<outputs {
                    let index = j * outputs + k
                    masked[index] = Self.connects(l, j, k, d: d, last: last) ? weight[index] : 0
                }
            }
        }
        let code = plan.activations(0)
        for row in 0..<b.batch {
            for i in 0..<d { code[row * d + i] = b.input[row * n + d - 1 - i] }
        }
        for l in 0...last {
            let output = plan.activations(l + 1)
            gemm(
                c: output, a: plan.activations(l), b: plan.maskedWeight(l), m: b.batch, n: plan.width(l + 1),
                k: plan.width(l), accumulate: false, context: b.context, elapsed: b.gemmClock)
            biasActivationForward(
                output: output, input: output, bias: b.parameters[2 * l + 1], rows: b.batch,
                columns: plan.width(l + 1), activation: l == last ? .identity : .relu, context: b.context)
        }
        let made = plan.activations(last + 1)
        for row in 0..<b.batch {
            let (y, shift, logScale) = (code + row * d, made + row * 2 * d, made + row * 2 * d + d)
            let out = b.output + row * n
            var logDeterminant = b.input[row * n + d]
            for i in 0..<d {
                out[i] = y[i] * expf(logScale[i]) + shift[i]
                logDeterminant += logScale[i]
            }
            out[d] = logDeterminant
        }
    }

    public func backward(_ b: LayerBuffers) {
        guard b.gradients != nil || b.dInput != nil else { return }
        let n = b.inputShape.elementCount, d = n - 1
        let plan = Plan(hidden: hidden, d: d, batch: b.batch, scratch: b.scratch), last = plan.last
        let (code, made, dCode) = (plan.activations(0), plan.activations(last + 1), plan.dCode)
        for row in 0..<b.batch {
            let dOut = b.dOutput + row * n, dMade = plan.dMade + row * 2 * d
            let (y, logScale) = (code + row * d, made + row * 2 * d + d)
            for i in 0..<d {
                let scale = expf(logScale[i])
                dMade[i] = dOut[i]
                // Each log-scale moves its own output and, by one, the log-determinant.
                dMade[d + i] = dOut[i] * y[i] * scale + dOut[d]
                dCode[row * d + i] = dOut[i] * scale
            }
        }
        var upstream = plan.dMade, spare = plan.dHidden
        for l in stride(from: last, through: 0, by: -1) {
            let dBias = b.gradients?[2 * l + 1]
            if l < last || dBias != nil {
                epilogueBackward(
                    dOutput: upstream, output: plan.activations(l + 1), dBias: dBias, rows: b.batch,
                    columns: plan.width(l + 1), activation: l == last ? .identity : .relu,
                    accumulateBias: b.accumulateParameters, context: b.context)
            }
            weightGradient(b, plan, layer: l, upstream: upstream)
            // The code's gradient already holds its direct part; the hidden layers' start empty.
            let below = l == 0 ? dCode : spare.0
            gemm(
                c: below, a: upstream, b: plan.maskedWeight(l), m: b.batch, n: plan.width(l), k: plan.width(l + 1),
                transposeB: true, accumulate: l == 0, context: b.context, elapsed: b.gemmClock)
            (upstream, spare) = (below, (spare.1, spare.0))
        }
        guard let dInput = b.dInput else { return }
        for row in 0..<b.batch {
            for j in 0..<n {
                let value = j < d ? dCode[row * d + d - 1 - j] : b.dOutput[row * n + d]
                dInput[row * n + j] = b.accumulateInput ? dInput[row * n + j] + value : value
            }
        }
    }

    /// Adds weight `l`'s gradient from the gradient of its layer's output (`upstream`), zero where
    /// the mask cuts the weight: those weights never reach the output.
    private func weightGradient(_ b: LayerBuffers, _ plan: Plan, layer l: Int, upstream: UnsafePointer<Float>) {
        guard let dWeight = b.gradients?[2 * l] else { return }
        let (inputs, outputs) = (plan.width(l), plan.width(l + 1))
        gemm(
            c: dWeight, a: plan.activations(l), b: upstream, m: inputs, n: outputs, k: b.batch, transposeA: true,
            accumulate: b.accumulateParameters, context: b.context, elapsed: b.gemmClock)
        for j in 0..<inputs {
            for k in 0..<outputs where !Self.connects(l, j, k, d: plan.d, last: plan.last) {
                dWeight[j * outputs + k] = 0
            }
        }
    }
}
