#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The dense and convolution layers' epilogue, fused into one pass over memory:
/// `output[r, c] = activation(input[r, c] + bias[c])` over a `rows × columns` row-major matrix.
///
/// `output` may be `input` (the usual case: GEMM writes the pre-activation into the output
/// buffer and this finishes it in place). Large matrices split by rows across up to `context.threads`.
public func biasActivationForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    rows: Int, columns: Int, activation: Activation, context: ExecutionContext = .serial
) {
    if columns < 2 * Lanes.scalarCount {
        narrowBiasActivation(
            output: output, input: input, bias: bias, rows: rows, columns: columns, activation: activation,
            context: context)
        return
    }
    let shared = UncheckedSendable(value: (output, input, bias))
    forEachSlice(of: rows, work: columns, context: context) { slice in
        let (output, input, bias) = shared.value
        biasActivationRows(
            output: output + slice.lowerBound * columns, input: input + slice.lowerBound * columns, bias: bias,
            rows: slice.count, columns: columns, activation: activation)
    }
}

/// `biasActivationForward` on rows of at least 16 columns, on the calling thread.
private func biasActivationRows(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    rows: Int, columns: Int, activation: Activation
) {
    for r in 0..<rows {
        let x = input + r * columns
        let y = output + r * columns
        switch activation {
        case .identity:
            forEachLane(columns) {
                storeLanes(loadLanes(x + $0) + loadLanes(bias + $0), y + $0)
            } scalar: {
                y[$0] = x[$0] + bias[$0]
            }
        case .relu:
            forEachLane(columns) {
                storeLanes(reluLanes(loadLanes(x + $0) + loadLanes(bias + $0)), y + $0)
            } scalar: {
                y[$0] = max(x[$0] + bias[$0], 0)
            }
        case .leakyReLU(let slope):
            forEachLane(columns) {
                storeLanes(leakyReLULanes(loadLanes(x + $0) + loadLanes(bias + $0), slope), y + $0)
            } scalar: {
                let v = x[$0] + bias[$0]
                y[$0] = v > 0 ? v : slope * v
            }
        case .sigmoid:
            sigmoidPass(output: y, input: x, bias: bias, count: columns)
        case .tanh:
            for c in 0..<columns { y[c] = tanhf(x[c] + bias[c]) }
        }
    }
}

/// `biasActivationForward` on rows too short for the lanes (an RGB image's three channels): eight
/// rows at a time form one row of `8 · columns` elements, a whole number of lanes, against the
/// bias repeated eight times; each element gets the same arithmetic as in a row of its own.
private func narrowBiasActivation(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    rows: Int, columns: Int, activation: Activation, context: ExecutionContext
) {
    let span = Lanes.scalarCount * columns
    withUnsafeTemporaryAllocation(of: Float.self, capacity: span) { repeated in
        for i in 0..<span { repeated[i] = bias[i % columns] }
        let shared = UncheckedSendable(value: (output, input, UnsafePointer(repeated.baseAddress!)))
        forEachSlice(of: rows / Lanes.scalarCount, work: span, context: context) { slice in
            let (output, input, repeated) = shared.value
            biasActivationRows(
                output: output + slice.lowerBound * span, input: input + slice.lowerBound * span, bias: repeated,
                rows: slice.count, columns: span, activation: activation)
        }
    }
    let done = rows / Lanes.scalarCount * Lanes.scalarCount
    biasActivationRows(
        output: output + done * columns, input: input + done * columns, bias: bias, rows: rows - done,
        columns: columns, activation: activation)
}
