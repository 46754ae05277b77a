import Kernels

/// Rows per block when centring data for the covariance product: bounds the scratch to
/// `blockRows × dimension` floats however many points there are.
private let blockRows = 512

/// The mean of each column of a row-major `count × dimension` matrix, summed in row order in `Double`.
func columnMeans(points: UnsafePointer<Float>, count: Int, dimension: Int) -> [Double] {
    var sums = [Double](repeating: 0, count: dimension)
    sums.withUnsafeMutableBufferPointer { s in
        for row in 0..<count {
            let base = points + row * dimension
            for column in 0..<dimension { s[column] += Double(base[column]) }
        }
    }
    let scale = count > 0 ? 1 / Double(count) : 0
    return sums.map { $0 * scale }
}

/// Calls `body(block, rows)` with each run of up to 512 consecutive rows minus `mean`, in row order.
///
/// Centring before any product keeps large offsets from cancelling catastrophically in `Float`.
func forEachCenteredBlock(
    points: UnsafePointer<Float>, count: Int, dimension: Int, mean: [Double],
    _ body: (UnsafeMutablePointer<Float>, Range<Int>) -> Void
) {
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * dimension)
    defer { scratch.deallocate() }
    let meanFloat = mean.map { Float($0) }
    meanFloat.withUnsafeBufferPointer { m in
        var start = 0
        while start < count {
            let end = min(count, start + blockRows)
            for row in start..<end {
                let source = points + row * dimension
                let target = scratch + (row - start) * dimension
                for column in 0..<dimension { target[column] = source[column] - m[column] }
            }
            body(scratch, start..<end)
            start = end
        }
    }
}

/// The sample covariance (divided by `count − 1`) of a row-major `count × dimension` matrix,
/// row-major `dimension × dimension`, through centred blocks and GEMM.
func covarianceMatrix(
    points: UnsafePointer<Float>, count: Int, dimension: Int, mean: [Double], library: ProductLibrary
) -> [Float] {
    var covariance = [Float](repeating: 0, count: dimension * dimension)
    covariance.withUnsafeMutableBufferPointer { c in
        guard let cov = c.baseAddress else { return }
        var first = true
        forEachCenteredBlock(points: points, count: count, dimension: dimension, mean: mean) { block, rows in
            gemm(
                c: cov, a: block, b: block, m: dimension, n: dimension, k: rows.count,
                transposeA: true, accumulate: !first, context: ExecutionContext(library: library))
            first = false
        }
        if first { return }
        scale(buffer: cov, count: dimension * dimension, by: 1 / Float(max(1, count - 1)))
        // GEMM may round the two triangles differently; the eigen-solvers assume exact symmetry.
        for i in 0..<dimension {
            for j in (i + 1)..<max(i + 1, dimension) { cov[j * dimension + i] = cov[i * dimension + j] }
        }
    }
    return covariance
}
