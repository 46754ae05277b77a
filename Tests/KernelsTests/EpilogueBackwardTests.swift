import Foundation
import Kernels
import Testing

/// The two passes `epilogueBackward` fuses, written plainly: the activation's gradient, then
/// each column summed down the rows in order.
private func separatePasses(
    dOutput: [Float], output: [Float], bias: [Float], rows: Int, columns: Int, activation: Activation,
    accumulate: Bool
) -> (gradient: [Float], bias: [Float]) {
    var gradient = [Float](repeating: 0, count: dOutput.count)
    activationBackward(
        dInput: &gradient, output: output, dOutput: dOutput, count: dOutput.count, activation: activation,
        accumulate: false)
    var sums = accumulate ? bias : [Float](repeating: 0, count: columns)
    for r in 0..<rows {
        for c in 0..<columns { sums[c] += gradient[r * columns + c] }
    }
    return (gradient, sums)
}

private func fused(
    dOutput: [Float], output: [Float], bias: [Float], rows: Int, columns: Int, activation: Activation,
    accumulate: Bool, context: ExecutionContext
) -> (gradient: [Float], bias: [Float]) {
    var gradient = dOutput
    var sums = bias
    epilogueBackward(
        dOutput: &gradient, output: output, dBias: &sums, rows: rows, columns: columns, activation: activation,
        accumulateBias: accumulate, context: context)
    return (gradient, sums)
}

private let epilogueShapes = [(7, 1), (700, 3), (9, 13), (2100, 32), (1500, 45), (100, 3136)]

@Test(arguments: [Activation.identity, .relu, .leakyReLU(slope: 0.2), .sigmoid, .tanh])
func epilogueBackwardHasTheBitsOfTheActivationGradientThenRowOrderColumnSums(activation: Activation) {
    // Column counts for each path: narrow (1, 3), a group and a tail (13), rows shared out by rows
    // in fast mode (32, 45), wide rows shared out by columns (3136). In portable determinism, and
    // on one thread in either, the bits are the plain passes' for every thread count.
    for (rows, columns) in epilogueShapes {
        let output = randomValues(rows * columns, name: "epi.out").map {
            activation == .sigmoid ? 1 / (1 + exp(-$0)) : $0
        }
        let dOutput = randomValues(rows * columns, name: "epi.dout")
        let bias = randomValues(columns, name: "epi.bias")
        for accumulate in [false, true] {
            let expected = separatePasses(
                dOutput: dOutput, output: output, bias: bias, rows: rows, columns: columns, activation: activation,
                accumulate: accumulate)
            for (library, threads) in [(ProductLibrary.oneDNN, 1), (.openBLAS, 1), (.openBLAS, 2), (.openBLAS, 3)] {
                let got = fused(
                    dOutput: dOutput, output: output, bias: bias, rows: rows, columns: columns,
                    activation: activation, accumulate: accumulate,
                    context: ExecutionContext(library: library, threads: threads))
                #expect(got.gradient == expected.gradient, "\(rows)×\(columns), \(library), threads \(threads)")
                #expect(got.bias == expected.bias, "\(rows)×\(columns), \(library), threads \(threads)")
            }
        }
    }
}

@Test func inFastModeThreadsSharingRowsGiveTheSameBitsRunToRunAndSumsWithinRounding() {
    for (rows, columns) in epilogueShapes {
        let output = randomValues(rows * columns, name: "epi.out")
        let dOutput = randomValues(rows * columns, name: "epi.dout")
        let bias = randomValues(columns, name: "epi.bias")
        let expected = separatePasses(
            dOutput: dOutput, output: output, bias: bias, rows: rows, columns: columns, activation: .relu,
            accumulate: true)
        for threads in [2, 3] {
            let context = ExecutionContext(library: .oneDNN, threads: threads)
            let first = fused(
                dOutput: dOutput, output: output, bias: bias, rows: rows, columns: columns, activation: .relu,
                accumulate: true, context: context)
            let second = fused(
                dOutput: dOutput, output: output, bias: bias, rows: rows, columns: columns, activation: .relu,
                accumulate: true, context: context)
            #expect(first.gradient == expected.gradient)
            #expect(first.bias == second.bias, "\(rows)×\(columns), threads \(threads)")
            // Sums of about a thousand unit normals: rounding differences of a few 1e-6.
            #expect(maxAbsDifference(first.bias, expected.bias) < 1e-3, "\(rows)×\(columns)")
        }
    }
}

@Test func epilogueBackwardWithoutABiasOnlyTakesTheActivationsGradient() {
    let (rows, columns) = (5, 6)
    let output = randomValues(rows * columns, name: "epi.out")
    var gradient = randomValues(rows * columns, name: "epi.dout")
    let expected = separatePasses(
        dOutput: gradient, output: output, bias: [], rows: rows, columns: 0, activation: .relu, accumulate: false)
    epilogueBackward(
        dOutput: &gradient, output: output, dBias: nil, rows: rows, columns: columns, activation: .relu,
        accumulateBias: false, context: .serial)
    #expect(gradient == expected.gradient)
}

@Test func biasGradientIsTheColumnSumsAndAccumulates() {
    let values: [Float] = [1, 2, 3, 4, 5, 6]
    var gradient = values
    var bias: [Float] = [.nan, .nan]
    epilogueBackward(
        dOutput: &gradient, output: values, dBias: &bias, rows: 3, columns: 2, activation: .identity,
        accumulateBias: false, context: .serial)
    #expect(bias == [9, 12])
    epilogueBackward(
        dOutput: &gradient, output: values, dBias: &bias, rows: 3, columns: 2, activation: .identity,
        accumulateBias: true, context: .serial)
    #expect(bias == [18, 24])
    #expect(gradient == [1, 2, 3, 4, 5, 6])
}
