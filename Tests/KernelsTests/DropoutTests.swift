import Kernels
import Testing

@Test func dropoutMaskDropsAboutTheRequestedFractionAndScalesTheRest() {
    var stream = RandomStream(seed: 1, name: "dropout")
    var mask = [Float](repeating: .nan, count: 10_000)
    dropoutMask(mask: &mask, count: mask.count, probability: 0.3, stream: &stream)
    #expect(mask.allSatisfy { $0 == 0 || $0 == 1 / Float(0.7) })
    let dropped = Double(mask.filter { $0 == 0 }.count) / Double(mask.count)
    // Standard error √(0.21/10000) = 0.0046; ±0.025 is over five of them.
    #expect(abs(dropped - 0.3) < 0.025)
}

@Test func dropoutMaskIsReproducibleFromTheSameStream() {
    var a = RandomStream(seed: 1, name: "dropout")
    var b = RandomStream(seed: 1, name: "dropout")
    var maskA = [Float](repeating: 0, count: 64)
    var maskB = [Float](repeating: 0, count: 64)
    dropoutMask(mask: &maskA, count: 64, probability: 0.5, stream: &a)
    dropoutMask(mask: &maskB, count: 64, probability: 0.5, stream: &b)
    #expect(maskA == maskB)
    #expect(a == b)
}

@Test func dropoutRatesZeroAndOneKeepAllOrDropAll() {
    var stream = RandomStream(seed: 1, name: "dropout.edges")
    var mask = [Float](repeating: .nan, count: 32)
    dropoutMask(mask: &mask, count: 32, probability: 0, stream: &stream)
    #expect(mask.allSatisfy { $0 == 1 })
    dropoutMask(mask: &mask, count: 32, probability: 1, stream: &stream)
    #expect(mask.allSatisfy { $0 == 0 })
}

@Test func dropoutForwardAndBackwardApplyTheSameMask() {
    let x = randomValues(16, name: "dropout.x")
    let dy = randomValues(16, name: "dropout.dy")
    var stream = RandomStream(seed: 2, name: "dropout")
    var mask = [Float](repeating: 0, count: 16)
    dropoutMask(mask: &mask, count: 16, probability: 0.5, stream: &stream)
    var y = [Float](repeating: .nan, count: 16)
    dropoutForward(output: &y, input: x, mask: mask, count: 16)
    #expect(y == zip(x, mask).map { $0 * $1 })
    var dx = [Float](repeating: 1, count: 16)
    dropoutBackward(dInput: &dx, dOutput: dy, mask: mask, count: 16, accumulate: true)
    #expect(dx == zip(dy, mask).map { 1 + $0 * $1 })
    dropoutBackward(dInput: &dx, dOutput: dy, mask: mask, count: 16, accumulate: false)
    #expect(dx == zip(dy, mask).map { $0 * $1 })
}
