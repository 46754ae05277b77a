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

@Test func denseLayerGradientsFromGemmAndBiasMatchCentralDifferences() {
    // y = sigmoid(x·W + b), loss = ⟨y, u⟩; checks that the kernels compose into a dense layer.
    let (batch, inputs, outputs) = (3, 4, 2)
    let x = randomValues(batch * inputs, name: "dense.x")
    let w = randomValues(inputs * outputs, name: "dense.w")
    let b = randomValues(outputs, name: "dense.b")
    let u = randomValues(batch * outputs, name: "dense.u")
    func forward(_ w: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: batch * outputs)
        gemm(c: &y, a: x, b: w, m: batch, n: outputs, k: inputs, accumulate: false, context: .serial)
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
    gemm(c: &dW, a: x, b: dPre, m: inputs, n: outputs, k: batch, transposeA: true, accumulate: false, context: .serial)
    // Step 1e-2 on a sigmoid of O(1) arguments: truncation ~1e-5, rounding ~1e-5; tolerance 1e-3.
    let numeric = centralDifferences(w, step: 1e-2) { dot(forward($0), u) }
    #expect(maxAbsDifference(dW, numeric) < 1e-3)
}

@Test(arguments: [Activation.identity, .relu, .leakyReLU(slope: 0.1), .sigmoid, .tanh])
func narrowRowsGetTheSameBitsAsAddingTheBiasThenTheActivation(activation: Activation) {
    // Eight rows at a time share the lanes; a count of rows that is not a multiple of eight, and
    // enough of them to split across threads, checks both the grouped rows and the rest.
    for (rows, columns) in [(21, 3), (30_003, 3), (13, 1), (9, 15)] {
        let x = randomValues(rows * columns, name: "ba.narrow.x")
        let bias = randomValues(columns, name: "ba.narrow.bias")
        var expected = (0..<x.count).map { x[$0] + bias[$0 % columns] }
        expected.withUnsafeMutableBufferPointer {
            activationForward(
                output: $0.baseAddress!, input: $0.baseAddress!, count: x.count, activation: activation)
        }
        for threads in [1, 2] {
            var fused = [Float](repeating: .nan, count: x.count)
            biasActivationForward(
                output: &fused, input: x, bias: bias, rows: rows, columns: columns, activation: activation,
                context: ExecutionContext(library: .openBLAS, threads: threads))
            #expect(fused == expected, "\(rows)×\(columns), threads \(threads)")
        }
    }
}
