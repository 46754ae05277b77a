import Kernels
import Testing

/// `op(A)·op(B)` in Double from row-major storage.
private func naiveProduct(
    _ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool
) -> [Double] {
    var c = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                let av = transposeA ? a[p * m + i] : a[i * k + p]
                let bv = transposeB ? b[j * k + p] : b[p * n + j]
                s += Double(av) * Double(bv)
            }
            c[i * n + j] = s
        }
    }
    return c
}

/// Both libraries `gemm` runs on.
let productLibraries: [ProductLibrary] = [.openBLAS, .oneDNN]

@Test(arguments: productLibraries, [(false, false), (true, false), (false, true), (true, true)])
func gemmMatchesNaiveProductForEveryTransposeCombination(library: ProductLibrary, transposes: (Bool, Bool)) {
    productMatchesNaiveProduct(
        transposeA: transposes.0, transposeB: transposes.1, context: ExecutionContext(library: library))
}

private func productMatchesNaiveProduct(transposeA: Bool, transposeB: Bool, context: ExecutionContext) {
    let (m, n, k) = (5, 7, 3)
    let a = randomValues(m * k, name: "gemm.a")
    let b = randomValues(k * n, name: "gemm.b")
    var c = [Float](repeating: .nan, count: m * n)
    gemm(
        c: &c, a: a, b: b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
        accumulate: false, context: context)
    let expected = naiveProduct(
        a, b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
    // Three Float products of N(0,1) values: rounding is ~1e-6; 1e-5 leaves room, real bugs are O(1).
    #expect(maxAbsDifference(c, expected) < 1e-5)
}

@Test(arguments: productLibraries)
func gemmAccumulateAddsToTheExistingOutput(library: ProductLibrary) {
    accumulateAddsToTheExistingOutput(context: ExecutionContext(library: library))
}

private func accumulateAddsToTheExistingOutput(context: ExecutionContext) {
    let (m, n, k) = (4, 3, 6)
    let a = randomValues(m * k, name: "gemm.acc.a")
    let b = randomValues(k * n, name: "gemm.acc.b")
    let c0 = randomValues(m * n, name: "gemm.acc.c")
    var c = c0
    gemm(c: &c, a: a, b: b, m: m, n: n, k: k, accumulate: true, context: context)
    let product = naiveProduct(a, b, m: m, n: n, k: k, transposeA: false, transposeB: false)
    let expected = zip(c0, product).map { Double($0) + $1 }
    #expect(maxAbsDifference(c, expected) < 1e-5)
}

@Test(arguments: productLibraries)
func gemmOverwriteNeverReadsStaleNaNs(library: ProductLibrary) {
    let a: [Float] = [1, 2, 3, 4]
    let b: [Float] = [1, 0, 0, 1]
    var c = [Float](repeating: .nan, count: 4)
    gemm(c: &c, a: a, b: b, m: 2, n: 2, k: 2, accumulate: false, context: ExecutionContext(library: library))
    #expect(c == [1, 2, 3, 4])
}

@Test(arguments: productLibraries)
func gemmWithEmptyInnerDimensionWritesZeros(library: ProductLibrary) {
    var c: [Float] = [.nan, .nan]
    let empty: [Float] = [0]
    gemm(c: &c, a: empty, b: empty, m: 1, n: 2, k: 0, accumulate: false, context: ExecutionContext(library: library))
    #expect(c == [0, 0])
}

@Test func blasThreadCountCanBeSetAndRead() {
    let before = blasThreadCount()
    setBLASThreadCount(1)
    #expect(blasThreadCount() == 1)
    setBLASThreadCount(before)
    #expect(blasThreadCount() == before)
}
