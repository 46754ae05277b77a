import Kernels

/// Up to this order the full Jacobi decomposition is cheaper than subspace iteration.
private let jacobiLimit = 160

/// Extra vectors carried by subspace iteration: they speed the convergence of the wanted `k`.
private let oversampling = 16

/// Subspace iterations; the error of eigenvector `i` shrinks like `(λ_{k+17}/λ_i)^iterations`.
private let subspaceIterations = 60

/// The `wanted` leading eigenpairs of the row-major symmetric `order × order` matrix `matrix`.
///
/// Small matrices go through Jacobi; larger ones through block power (subspace) iteration with
/// a fixed random start, Gram–Schmidt and a final Rayleigh–Ritz step, so the result is
/// deterministic and costs `O(order² · wanted)` per iteration through GEMM.
func leadingEigenpairs(matrix: [Float], order n: Int, wanted: Int, library: ProductLibrary) -> SymmetricEigen {
    let context = ExecutionContext(library: library)
    let k = min(wanted, n)
    if n <= jacobiLimit || k + oversampling >= n {
        let full = SymmetricEigen(symmetric: matrix.map { Double($0) }, order: n)
        return SymmetricEigen(
            order: n, values: Array(full.values.prefix(k)), vectors: Array(full.vectors.prefix(k * n)))
    }
    let m = k + oversampling
    var basis = [Float](repeating: 0, count: m * n)
    var product = [Float](repeating: 0, count: m * n)
    var random = RandomStream(seed: 0, name: "analysis.subspace-iteration")
    basis.withUnsafeMutableBufferPointer { q in
        product.withUnsafeMutableBufferPointer { z in
            matrix.withUnsafeBufferPointer { c in
                guard let qb = q.baseAddress, let zb = z.baseAddress, let cb = c.baseAddress else { return }
                random.fillNormal(buffer: qb, count: m * n)
                orthonormalizeRows(qb, rows: m, length: n, random: &random)
                for _ in 0..<subspaceIterations {
                    // Rows of Q times the symmetric C: Z = Q·C has the rows C·q_r.
                    gemm(c: zb, a: qb, b: cb, m: m, n: n, k: n, accumulate: false, context: context)
                    qb.update(from: zb, count: m * n)
                    orthonormalizeRows(qb, rows: m, length: n, random: &random)
                }
            }
        }
    }
    return rayleighRitz(matrix: matrix, basis: basis, order: n, basisCount: m, wanted: k, context: context)
}

/// Projects `matrix` onto the orthonormal rows of `basis` and lifts the small problem's leading
/// eigenvectors back to full length.
private func rayleighRitz(
    matrix: [Float], basis: [Float], order n: Int, basisCount m: Int, wanted k: Int, context: ExecutionContext
) -> SymmetricEigen {
    var product = [Float](repeating: 0, count: m * n)
    var small = [Float](repeating: 0, count: m * m)
    gemm(c: &product, a: basis, b: matrix, m: m, n: n, k: n, accumulate: false, context: context)
    gemm(
        c: &small, a: product, b: basis, m: m, n: m, k: n, transposeB: true, accumulate: false, context: context)
    var projected = [Double](repeating: 0, count: m * m)
    for i in 0..<m {
        for j in 0..<m { projected[i * m + j] = 0.5 * (Double(small[i * m + j]) + Double(small[j * m + i])) }
    }
    let reduced = SymmetricEigen(symmetric: projected, order: m)
    var vectors = [Double](repeating: 0, count: k * n)
    for r in 0..<k {
        for s in 0..<m {
            let weight = reduced.vectors[r * m + s]
            for column in 0..<n { vectors[r * n + column] += weight * Double(basis[s * n + column]) }
        }
        orientByLargestComponent(&vectors, row: r, length: n)
    }
    return SymmetricEigen(order: n, values: Array(reduced.values.prefix(k)), vectors: vectors)
}

/// Modified Gram–Schmidt over the rows, in `Double`; a row that collapses (rank-deficient input)
/// is replaced by a fresh random row so the basis keeps full rank.
private func orthonormalizeRows(
    _ rows: UnsafeMutablePointer<Float>, rows count: Int, length n: Int, random: inout RandomStream
) {
    for r in 0..<count {
        let row = rows + r * n
        for attempt in 0..<3 {
            for s in 0..<r {
                let other = rows + s * n
                var dot = 0.0
                for i in 0..<n { dot += Double(row[i]) * Double(other[i]) }
                for i in 0..<n { row[i] -= Float(dot) * other[i] }
            }
            var norm = 0.0
            for i in 0..<n { norm += Double(row[i]) * Double(row[i]) }
            if norm > 1e-20 {
                let inverse = Float(1 / norm.squareRoot())
                for i in 0..<n { row[i] *= inverse }
                break
            }
            if attempt < 2 { random.fillNormal(buffer: row, count: n) } else { row.update(repeating: 0, count: n) }
        }
    }
}
