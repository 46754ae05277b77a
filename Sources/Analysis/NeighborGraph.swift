import Kernels

/// Below this dimension distances are computed directly: exact, and GEMM would gain little.
private let directDimensionLimit = 8

/// The exact `k` nearest neighbours (Euclidean) of every point of a set; a point is never its
/// own neighbour. Each list is sorted nearest first, ties broken by the smaller index.
///
/// Brute force: squared distances `‖x‖² + ‖y‖² − 2x·y` through GEMM over blocks of rows, so
/// 10,000 points in 50-D take well under a second; low-dimensional sets use direct differences.
public struct NeighborGraph: Sendable {
    /// The number of points.
    public let count: Int
    /// Neighbours per point.
    public let neighbors: Int
    /// Row-major `count × neighbors` neighbour indices.
    public let indices: [Int32]
    /// Row-major `count × neighbors` squared distances, matching `indices`.
    public let squaredDistances: [Float]

    /// Finds the `neighbors` nearest neighbours of each of `count` row-major points.
    ///
    /// Throws unless `1 ≤ neighbors < count`, for a buffer of the wrong size, or for non-finite values.
    /// `threads` splits the rows in fixed contiguous parts; the result does not depend on it. The
    /// products (and, with oneDNN, the parts' threads) run on `library`.
    public init(
        points: [Float], count: Int, dimension: Int, neighbors: Int, threads: Int = availableProcessorCount(),
        library: ProductLibrary = .openBLAS
    ) throws {
        try requireShape(points, count: count, dimension: dimension, what: "points")
        guard neighbors >= 1 else {
            throw AnalysisError.invalidParameter(name: "neighbours", value: "\(neighbors)", expected: "at least 1")
        }
        guard count > neighbors else {
            throw AnalysisError.tooFewPoints(
                needed: neighbors + 1, got: count, purpose: "finding \(neighbors) nearest neighbours")
        }
        try requireFinite(points, what: "points")
        var indices = [Int32](repeating: 0, count: count * neighbors)
        var distances = [Float](repeating: 0, count: count * neighbors)
        let context = ExecutionContext(library: library, threads: min(threads, 16))
        points.withUnsafeBufferPointer { p in
            indices.withUnsafeMutableBufferPointer { ix in
                distances.withUnsafeMutableBufferPointer { dx in
                    guard let pb = p.baseAddress, let ib = ix.baseAddress, let db = dx.baseAddress else { return }
                    let output = NeighborOutput(indices: ib, distances: db, k: neighbors)
                    if dimension <= directDimensionLimit {
                        directNeighbors(
                            points: pb, count: count, dimension: dimension, output: output, context: context)
                    } else {
                        blockedNeighbors(
                            points: pb, count: count, dimension: dimension, output: output, context: context)
                    }
                }
            }
        }
        self.count = count
        self.neighbors = neighbors
        self.indices = indices
        self.squaredDistances = distances
    }
}

/// Where neighbour lists are written: row `i` owns `k` slots of each buffer.
private struct NeighborOutput: @unchecked Sendable {
    let indices: UnsafeMutablePointer<Int32>
    let distances: UnsafeMutablePointer<Float>
    let k: Int
}

/// Direct squared distances row by row; each part owns a contiguous range of rows.
private func directNeighbors(
    points: UnsafePointer<Float>, count: Int, dimension: Int, output: NeighborOutput, context: ExecutionContext
) {
    let parts = context.threads
    let source = UncheckedSendable(value: points)
    forEachPart(parts: parts, on: context.library) { part in
        let points = source.value
        let candidates = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { candidates.deallocate() }
        for i in partRange(part: part, parts: parts, count: count) {
            let xi = points + i * dimension
            for j in 0..<count {
                let xj = points + j * dimension
                var sum: Float = 0
                for c in 0..<dimension {
                    let difference = xi[c] - xj[c]
                    sum += difference * difference
                }
                candidates[j] = sum
            }
            selectNearest(
                distances: output.distances + i * output.k, indices: output.indices + i * output.k,
                candidates: candidates, count: count, exclude: i, k: output.k)
        }
    }
}

/// GEMM dot products for blocks of rows, then per-row selection split across the parts.
private func blockedNeighbors(
    points: UnsafePointer<Float>, count: Int, dimension: Int, output: NeighborOutput, context: ExecutionContext
) {
    let parts = context.threads
    let norms = UnsafeMutablePointer<Float>.allocate(capacity: count)
    defer { norms.deallocate() }
    for j in 0..<count {
        var sum = 0.0
        for c in 0..<dimension { sum += Double(points[j * dimension + c]) * Double(points[j * dimension + c]) }
        norms[j] = Float(sum)
    }
    // About 16 MB of products per block whatever the point count.
    let blockRows = max(parts, min(1024, 4_000_000 / count))
    let products = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * count)
    defer { products.deallocate() }
    let shared = UncheckedSendable(value: (products, UnsafePointer(norms)))
    var start = 0
    while start < count {
        let rows = min(blockRows, count - start)
        gemm(
            c: products, a: points + start * dimension, b: points, m: rows, n: count, k: dimension,
            transposeB: true, accumulate: false, context: context)
        let blockStart = start
        forEachPart(parts: parts, on: context.library) { part in
            let (products, norms) = shared.value
            for local in partRange(part: part, parts: parts, count: rows) {
                let row = products + local * count
                // ‖x_i‖² is the same for the whole row, so it is added only to the winners.
                for j in 0..<count { row[j] = norms[j] - 2 * row[j] }
                let i = blockStart + local
                let distances = output.distances + i * output.k
                selectNearest(
                    distances: distances, indices: output.indices + i * output.k,
                    candidates: row, count: count, exclude: i, k: output.k)
                for slot in 0..<output.k { distances[slot] = max(0, distances[slot] + norms[i]) }
            }
        }
        start += rows
    }
}
