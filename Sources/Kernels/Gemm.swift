import CBLAS

/// Matrix product on row-major `Float` matrices through `context`'s library:
/// `c[m×n] = op(a) · op(b)` or, with `accumulate`, `c += op(a) · op(b)`.
///
/// `op(a)` is `m×k`: `a` is stored `m×k`, or `k×m` when `transposeA`.
/// `op(b)` is `k×n`: `b` is stored `k×n`, or `n×k` when `transposeB`.
/// The product splits across the threads its library was given for the process
/// (`setBLASThreadCount`, `OneDNN.setThreadCount`), not `context.threads`.
/// `elapsed`, when given, gets this call's duration added (for `runexp bench`).
/// With `accumulate == false`, `c` is zeroed before BLAS adds into it, so stale NaNs in `c` do
/// not leak into the result.
@inline(__always)
public func gemm(
    c: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
    accumulate: Bool, context: ExecutionContext, elapsed: UnsafeMutablePointer<UInt64>? = nil
) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        // BLAS implementations disagree on k == 0; an empty sum is zero.
        if !accumulate { c.update(repeating: 0, count: m * n) }
        return
    }
    if context.library == .oneDNN {
        let start = elapsed == nil ? 0 : monotonicNanoseconds()
        defer { addElapsed(since: start, to: elapsed) }
        oneDNNGemm(
            c: c, a: a, b: b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, accumulate: accumulate)
        return
    }
    let lda = transposeA ? m : k
    let ldb = transposeB ? k : n
    let start = elapsed == nil ? 0 : monotonicNanoseconds()
    defer { addElapsed(since: start, to: elapsed) }
    // OpenBLAS implements beta 0 as a zeroing pass over C (`sgemm_beta`) and then accumulates into
    // it; that pass ran at a fraction of memset's speed (16% of a CNN step in `perf`). Zeroing here
    // and passing beta 1 gives the same sums in the same order, so the same bits.
    if !accumulate { c.update(repeating: 0, count: m * n) }
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        blasint(m), blasint(n), blasint(k), 1, a, blasint(lda), b, blasint(ldb),
        1, c, blasint(n))
}
