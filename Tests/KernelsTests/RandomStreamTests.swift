import Foundation
import Kernels
import Testing

private func firstValues(_ stream: RandomStream, _ count: Int) -> [UInt64] {
    var s = stream
    return (0..<count).map { _ in s.nextUInt64() }
}

@Test func sameSeedAndNameGiveTheSameSequence() {
    let a = firstValues(RandomStream(seed: 7, name: "shuffle"), 64)
    let b = firstValues(RandomStream(seed: 7, name: "shuffle"), 64)
    #expect(a == b)
}

@Test func differentNameOrSeedGiveDifferentSequences() {
    let base = firstValues(RandomStream(seed: 7, name: "shuffle"), 8)
    #expect(base != firstValues(RandomStream(seed: 7, name: "prior"), 8))
    #expect(base != firstValues(RandomStream(seed: 8, name: "shuffle"), 8))
    #expect(base != firstValues(RandomStream(seed: 7, name: "shuffle2"), 8))
    // Seed 0 with the empty name must still be a working, non-degenerate stream.
    let zero = firstValues(RandomStream(seed: 0, name: ""), 8)
    #expect(Set(zero).count == 8)
}

@Test func restoringTheStateContinuesIdentically() {
    var original = RandomStream(seed: 3, name: "init")
    for _ in 0..<10 { _ = original.nextUInt64() }
    _ = original.nextNormal()
    let saved = original.state
    let expected = (0..<20).map { _ in original.nextUInt64() }
    let resumed = RandomStream(
        state: RandomStreamState(saved.array[0], saved.array[1], saved.array[2], saved.array[3]))
    #expect(firstValues(resumed, 20) == expected)
}

@Test func stateSurvivesACodableRoundTrip() throws {
    let state = RandomStream(seed: 11, name: "dropout").state
    let data = try JSONEncoder().encode(state)
    #expect(try JSONDecoder().decode(RandomStreamState.self, from: data) == state)
}

@Test func generatorIsXoshiro256StarStarWithItsReferenceOutputs() {
    // Reference outputs of xoshiro256** from state {1, 2, 3, 4} (Vigna's C implementation).
    let outputs = firstValues(RandomStream(state: RandomStreamState(1, 2, 3, 4)), 4)
    #expect(outputs == [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
}

@Test func streamNamesHashWithFNV1a64() {
    // The published FNV-1a 64 test vectors.
    #expect(fnv1a64("") == 0xCBF2_9CE4_8422_2325)
    #expect(fnv1a64("a") == 0xAF63_DC4C_8601_EC8C)
    #expect(fnv1a64("foobar") == 0x8594_4171_F739_67E8)
}

@Test func normalSamplesHaveMeanZeroAndStdOneOver100kDraws() {
    let n = 100_000
    var stream = RandomStream(seed: 5, name: "normal")
    let single = (0..<n).map { _ in Double(stream.nextNormal()) }
    var filled = [Float](repeating: 0, count: n)
    stream.fillNormal(buffer: &filled, count: n)
    for sample in [single, filled.map(Double.init)] {
        let mean = sample.reduce(0, +) / Double(n)
        let std = (sample.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
        // Standard errors: mean 1/√n = 0.0032, std 1/√(2n) = 0.0022. Five of them (0.016 and
        // 0.011) fail a correct generator with probability < 1e-6 yet catch a wrong scale
        // (e.g. √2 or ½) or an offset.
        #expect(abs(mean) < 0.016)
        #expect(abs(std - 1) < 0.011)
    }
}

@Test func fillNormalAppliesMeanAndStd() {
    var stream = RandomStream(seed: 5, name: "scaled")
    var values = [Float](repeating: 0, count: 20_000)
    stream.fillNormal(buffer: &values, count: values.count, mean: 3, std: 0.5)
    let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    // Standard error 0.5/√20000 = 0.0035; tolerance 0.02 is over five of them.
    #expect(abs(mean - 3) < 0.02)
}

@Test func uniformValuesLieInTheUnitIntervalWithMeanOneHalf() {
    var stream = RandomStream(seed: 9, name: "uniform")
    let values = (0..<100_000).map { _ in stream.nextUniform() }
    #expect(values.allSatisfy { $0 >= 0 && $0 < 1 })
    let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    // Standard error √(1/12)/√n = 0.00091; tolerance 0.005 is over five of them.
    #expect(abs(mean - 0.5) < 0.005)
}

@Test func boundedIntegersStayBelowTheBoundAndAreEvenlySpread() {
    var stream = RandomStream(seed: 2, name: "ints")
    var counts = [Int](repeating: 0, count: 3)
    for _ in 0..<30_000 { counts[stream.nextInt(below: 3)] += 1 }
    // Each count is Binomial(30000, 1/3): σ = 82; ±500 is six σ.
    #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
    #expect((0..<1000).allSatisfy { _ in stream.nextInt(below: 1) == 0 })
}

@Test func shuffleProducesAPermutationThatMovesElements() {
    var stream = RandomStream(seed: 4, name: "shuffle")
    var indices = Array(Int32(0)..<Int32(1000))
    stream.shuffle(buffer: &indices, count: indices.count)
    #expect(indices.sorted() == Array(Int32(0)..<Int32(1000)))
    // A uniform shuffle leaves about one fixed point on average; 990 unmoved would mean no shuffle.
    #expect(zip(indices, 0..<1000).filter { Int($0) == $1 }.count < 10)
}
