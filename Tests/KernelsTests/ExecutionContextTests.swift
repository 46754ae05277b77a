import Dispatch
import Kernels
import Testing

// Kernels take the library they run on from the context their caller passes, never from the
// process: two contexts in one process, even at the same moment on two threads, each get their
// own library's bits.

private let openBLAS = ExecutionContext(library: .openBLAS, threads: 2)
private let oneDNN = ExecutionContext(library: .oneDNN, threads: 2)

/// A product large enough that the two libraries block its sums differently (a dense layer's
/// input gradient: 70,878 of its 78,400 values differ in their last bits on the machine measured).
private func product(_ context: ExecutionContext) -> [UInt32] {
    let (m, n, k) = (100, 784, 1000)
    let a = randomValues(m * k, name: "context.a"), b = randomValues(k * n, name: "context.b")
    var c = [Float](repeating: .nan, count: m * n)
    gemm(c: &c, a: a, b: b, m: m, n: n, k: k, accumulate: false, context: context)
    return c.map(\.bitPattern)
}

/// The bias gradient of rows too narrow to share out by columns: oneDNN's context shares them
/// out by rows and adds the threads' sums; OpenBLAS's sums each column down the rows.
private func biasGradient(_ context: ExecutionContext) -> [UInt32] {
    let (rows, columns) = (2100, 32)
    let output = randomValues(rows * columns, name: "context.out")
    var gradient = randomValues(rows * columns, name: "context.dout")
    var bias = [Float](repeating: 0, count: columns)
    epilogueBackward(
        dOutput: &gradient, output: output, dBias: &bias, rows: rows, columns: columns, activation: .relu,
        accumulateBias: false, context: context)
    return bias.map(\.bitPattern)
}

/// Runs `body` with each context at the same time, one thread each, and returns their results in order.
private func concurrently(_ contexts: [ExecutionContext], _ body: @Sendable (ExecutionContext) -> [UInt32])
    -> [[UInt32]]
{
    let results = UncheckedSendable(value: UnsafeMutablePointer<[UInt32]>.allocate(capacity: contexts.count))
    results.value.initialize(repeating: [], count: contexts.count)
    defer { results.value.deallocate() }
    DispatchQueue.concurrentPerform(iterations: contexts.count) { index in
        results.value[index] = body(contexts[index])
    }
    return Array(UnsafeBufferPointer(start: results.value, count: contexts.count))
}

@Test func aProductRunsOnTheLibraryOfTheContextItIsGiven() {
    let alone = (openBLAS: product(openBLAS), oneDNN: product(oneDNN))
    let apart = alone.openBLAS != alone.oneDNN  // a Bool, so that a failure prints no arrays
    #expect(apart, "the shape should tell the libraries apart")
    for _ in 0..<3 {
        let both = concurrently([oneDNN, openBLAS, oneDNN, openBLAS]) { product($0) }
        #expect(both.map { $0 == alone.oneDNN } == [true, false, true, false])
        #expect(both.map { $0 == alone.openBLAS } == [false, true, false, true])
    }
}

@Test func anEpilogueSumsTheWayTheLibraryOfItsContextSums() {
    let alone = (openBLAS: biasGradient(openBLAS), oneDNN: biasGradient(oneDNN))
    let oneThread = alone.openBLAS == biasGradient(ExecutionContext(library: .openBLAS, threads: 1))
    #expect(oneThread)
    let apart = alone.openBLAS != alone.oneDNN  // a Bool, so that a failure prints no arrays
    #expect(apart, "the shape should tell the two ways of summing apart")
    for _ in 0..<3 {
        let both = concurrently([openBLAS, oneDNN]) { biasGradient($0) }
        #expect(both.map { $0 == alone.openBLAS } == [true, false])
        #expect(both.map { $0 == alone.oneDNN } == [false, true])
    }
}
