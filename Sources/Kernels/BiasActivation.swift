#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The dense and convolution layers' epilogue, fused into one pass over memory:
/// `output[r, c] = activation(input[r, c] + bias[c])` over a `rows × columns` row-major matrix.
///
/// `output` may be `input` (the usual case: GEMM writes the pre-activation into the output
/// buffer and this finishes it in place). Large matrices split by rows across up to `threads`.
public func biasActivationForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    rows: Int, columns: Int, activation: Activation, threads: Int = 1
) {
    if columns < 2 * Lanes.scalarCount {
        // Rows too short for the lanes (an RGB image's 3 channels): add the bias row by row, then
        // run the activation over the whole matrix. The sum is rounded the same either way.
        for r in 0..<rows {
            let x = input + r * columns, y = output + r * columns
            for c in 0..<columns { y[c] = x[c] + bias[c] }
        }
        activationForward(
            output: output, input: output, count: rows * columns, activation: activation, threads: threads)
        return
    }
    let shared = UncheckedSendable(value: (output, input, bias))
    forEachSlice(of: rows, work: columns, threads: threads) { slice in
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

/// The bias gradient: `dBias[c] (= | +=) Σ_r dOutput[r, c]` over a `rows × columns` matrix of
/// pre-activation gradients, summed in row order.
public func biasBackward(
    dBias: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, rows: Int, columns: Int,
    accumulate: Bool
) {
    columnSums(output: dBias, input: dOutput, rows: rows, columns: columns, accumulate: accumulate)
}
