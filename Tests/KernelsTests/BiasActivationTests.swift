import Kernels
import Testing

@Test(arguments: [Activation.identity, .relu, .leakyReLU(slope: 0.1), .sigmoid, .tanh])
func biasActivationEqualsBiasThenActivation(activation: Activation) {
    let (rows, columns) = (4, 5)
    let x = randomValues(rows * columns, name: "ba.x")
    let bias = randomValues(columns, name: "ba.bias")
    var fused = [Float](repeating: .nan, count: x.count)
    biasActivationForward(
        output: &fused, input: x, bias: bias, rows: rows, columns: columns, activation: activation)
    let biased = (0..<x.count).map { x[$0] + bias[$0 % columns] }
    var separate = [Float](repeating: 0, count: x.count)
    activationForward(output: &separate, input: biased, count: x.count, activation: activation)
    #expect(maxAbsDifference(fused, separate) < 1e-6)
}

@Test func biasBackwardIsColumnSumsAndAccumulates() {
    let (rows, columns) = (6, 3)
    let dOut = randomValues(rows * columns, name: "ba.dout")
    let expected = (0..<columns).map { c in
        (0..<rows).reduce(0.0) { $0 + Double(dOut[$1 * columns + c]) }
    }
    var dBias = [Float](repeating: .nan, count: columns)
    biasBackward(dBias: &dBias, dOutput: dOut, rows: rows, columns: columns, accumulate: false)
    #expect(maxAbsDifference(dBias, expected) < 1e-5)
    biasBackward(dBias: &dBias, dOutput: dOut, rows: rows, columns: columns, accumulate: true)
    #expect(maxAbsDifference(dBias, expected.map { 2 * $0 }) < 1e-5)
}

@Test func denseLayerGradientsFromGemmAndBiasMatchCentralDifferences() {
    // y = sigmoid(x·W + b), loss = ⟨y, u⟩; checks that the kernels compose into a dense layer.
    let (batch, inputs, outputs) = (3, 4, 2)
    let x = randomValues(batch * inputs, name: "dense.x")
    let w = randomValues(inputs * outputs, name: "dense.w")
    let b = randomValues(outputs, name: "dense.b")
    let u = randomValues(batch * outputs, name: "dense.u")
    func forward(_ w: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: batch * outputs)
        gemm(c: &y, a: x, b: w, m: batch, n: outputs, k: inputs, accumulate: false)
        y.withUnsafeMutableBufferPointer {
            biasActivationForward(
                output: $0.baseAddress!, input: $0.baseAddress!, bias: b, rows: batch, columns: outputs,
                activation: .sigmoid)
        }
        return y
    }
    let y = forward(w)
    var dPre = [Float](repeating: 0, count: y.count)
    activationBackward(
        dInput: &dPre, output: y, dOutput: u, count: y.count, activation: .sigmoid, accumulate: false)
    var dW = [Float](repeating: .nan, count: w.count)
    gemm(c: &dW, a: x, b: dPre, m: inputs, n: outputs, k: batch, transposeA: true, accumulate: false)
    // Step 1e-2 on a sigmoid of O(1) arguments: truncation ~1e-5, rounding ~1e-5; tolerance 1e-3.
    let numeric = centralDifferences(w, step: 1e-2) { dot(forward($0), u) }
    #expect(maxAbsDifference(dW, numeric) < 1e-3)
}
