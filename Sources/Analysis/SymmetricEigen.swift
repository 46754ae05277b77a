/// Eigenvalues and eigenvectors of a real symmetric matrix, largest eigenvalue first.
///
/// Each eigenvector's sign is fixed so that its largest-magnitude component (the first one on
/// ties) is positive: the same matrix always yields the same vectors, not their negations.
public struct SymmetricEigen: Sendable {
    /// The order of the matrix.
    public let order: Int
    /// Eigenvalues in descending order.
    public let values: [Double]
    /// Eigenvectors as rows, row-major `values.count × order`; row `r` belongs to `values[r]`.
    public let vectors: [Double]

    /// Wraps eigenpairs computed elsewhere (already sorted and oriented).
    init(order: Int, values: [Double], vectors: [Double]) {
        self.order = order
        self.values = values
        self.vectors = vectors
    }

    /// Decomposes the row-major symmetric `order × order` matrix by cyclic Jacobi rotations.
    ///
    /// Jacobi is chosen over QR iterations for its simplicity and its fixed rotation order, which
    /// makes the result deterministic; it costs about `2·order³` flops per sweep and converges in
    /// under a dozen sweeps, fine up to a few hundred rows.
    public init(symmetric matrix: [Double], order n: Int) {
        precondition(matrix.count == n * n, "SymmetricEigen needs an order × order matrix")
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        a.withUnsafeMutableBufferPointer { pa in
            v.withUnsafeMutableBufferPointer { pv in
                if let ma = pa.baseAddress, let mv = pv.baseAddress { jacobiSweeps(a: ma, v: mv, n: n) }
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] > a[$1 * n + $1] || (a[$0 * n + $0] == a[$1 * n + $1] && $0 < $1) }
        var sortedVectors = [Double](repeating: 0, count: n * n)
        for (row, column) in order.enumerated() {
            for k in 0..<n { sortedVectors[row * n + k] = v[k * n + column] }
            orientByLargestComponent(&sortedVectors, row: row, length: n)
        }
        self.order = n
        self.values = order.map { a[$0 * n + $0] }
        self.vectors = sortedVectors
    }
}

/// Flips row `row` of a row-major matrix so its largest-magnitude component is positive.
func orientByLargestComponent(_ rows: inout [Double], row: Int, length: Int) {
    var largest = 0
    for k in 0..<length where abs(rows[row * length + k]) > abs(rows[row * length + largest]) { largest = k }
    if rows[row * length + largest] < 0 {
        for k in 0..<length { rows[row * length + k] = -rows[row * length + k] }
    }
}

/// Runs cyclic Jacobi sweeps on `a` (overwritten towards diagonal) accumulating rotations in `v`.
private func jacobiSweeps(a: UnsafeMutablePointer<Double>, v: UnsafeMutablePointer<Double>, n: Int) {
    var total = 0.0
    for i in 0..<(n * n) { total += a[i] * a[i] }
    for _ in 0..<60 {
        var offDiagonal = 0.0
        for p in 0..<n { for q in 0..<n where p != q { offDiagonal += a[p * n + q] * a[p * n + q] } }
        // Relative threshold: converged once the off-diagonal mass is at rounding level.
        if offDiagonal <= 1e-30 * total || offDiagonal == 0 { return }
        for p in 0..<(n - 1) {
            for q in (p + 1)..<n where a[p * n + q] != 0 {
                rotate(a: a, v: v, n: n, p: p, q: q)
            }
        }
    }
}

/// Applies the Jacobi rotation that zeroes `a[p][q]`: `a ← Jᵀ a J`, `v ← v J`.
@inline(__always)
private func rotate(a: UnsafeMutablePointer<Double>, v: UnsafeMutablePointer<Double>, n: Int, p: Int, q: Int) {
    let apq = a[p * n + q]
    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
    // The smaller root of t² + 2θt − 1 = 0 keeps the rotation angle below π/4 (stable).
    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
    let c = 1 / (t * t + 1).squareRoot()
    let s = t * c
    for k in 0..<n {
        let akp = a[k * n + p]
        let akq = a[k * n + q]
        a[k * n + p] = c * akp - s * akq
        a[k * n + q] = s * akp + c * akq
    }
    for k in 0..<n {
        let apk = a[p * n + k]
        let aqk = a[q * n + k]
        a[p * n + k] = c * apk - s * aqk
        a[q * n + k] = s * apk + c * aqk
    }
    a[p * n + q] = 0
    a[q * n + p] = 0
    for k in 0..<n {
        let vkp = v[k * n + p]
        let vkq = v[k * n + q]
        v[k * n + p] = c * vkp - s * vkq
        v[k * n + q] = s * vkp + c * vkq
    }
}
