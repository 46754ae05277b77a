import Kernels
import Testing

@Test func sumAndSumOfSquaresMatchDoubleReference() {
    let x = randomValues(1001, name: "red.sum")
    let s = x.withUnsafeBufferPointer { sum(input: $0.baseAddress!, count: x.count) }
    let q = x.withUnsafeBufferPointer { sumOfSquares(input: $0.baseAddress!, count: x.count) }
    let expectedSum = x.reduce(0.0) { $0 + Double($1) }
    let expectedSquares = x.reduce(0.0) { $0 + Double($1) * Double($1) }
    // Double accumulation: the only error is the final rounding to Float (relative 6e-8).
    #expect(abs(Double(s) - expectedSum) <= 1e-6 * max(1, abs(expectedSum)))
    #expect(abs(Double(q) - expectedSquares) <= 1e-6 * expectedSquares)
}

@Test func elementwiseHelpersComputeTheirFormulas() {
    var y: [Float] = [1, 2, 3]
    axpy(y: &y, x: [1, 1, 2], count: 3, alpha: 0.5)
    #expect(y == [1.5, 2.5, 4])
    scale(buffer: &y, count: 3, by: 2)
    #expect(y == [3, 5, 8])
    var out: [Float] = [1, 1, 1]
    add(output: &out, a: [1, 2, 3], b: [4, 5, 6], count: 3, accumulate: true)
    #expect(out == [6, 8, 10])
    multiply(output: &out, a: [1, 2, 3], b: [4, 5, 6], count: 3, accumulate: false)
    #expect(out == [4, 10, 18])
    copy(output: &out, input: [1, 1, 1], count: 3, accumulate: true)
    #expect(out == [5, 11, 19])
    copy(output: &out, input: [7, 8, 9], count: 3, accumulate: false)
    #expect(out == [7, 8, 9])
    fill(buffer: &out, count: 3, value: -1)
    #expect(out == [-1, -1, -1])
}

@Test func uint8ConversionMapsBytesOntoTheUnitInterval() {
    let bytes: [UInt8] = [0, 1, 128, 254, 255]
    var out = [Float](repeating: .nan, count: bytes.count)
    uint8ToUnitFloat(output: &out, input: bytes, count: bytes.count)
    #expect(out == bytes.map { Float($0) / 255 })
    #expect(out.first == 0 && out.last == 1)
}
