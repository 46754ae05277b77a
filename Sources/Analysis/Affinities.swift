import Kernels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bisection stops once a row's entropy is this close (in nats) to `log(perplexity)`.
let perplexityTolerance = 1e-5

/// Bisection steps per row at most.
let perplexityMaximumSteps = 100

/// The symmetric joint probabilities `P` of t-SNE in compressed sparse rows: row `i` holds
/// `(p_{j|i} + p_{i|j}) / 2N` for every `j` that is a neighbour of `i` or has `i` as a neighbour.
struct SparseAffinities: Sendable {
    /// The number of points (rows).
    let count: Int
    /// Row `i`'s entries are `rowStarts[i]..<rowStarts[i + 1]`.
    let rowStarts: [Int]
    /// The column (other point) of each entry.
    let columns: [Int32]
    /// The joint probability of each entry; all of them sum to 1.
    let values: [Float]
}

/// Gaussian conditional probabilities `p_{j|i}` over each point's neighbours (row-major
/// `count × k`, rows summing to 1), the bandwidth of each row found by bisection so that the
/// row's entropy is `log(perplexity)`; the rows split across `threads` threads (`library`'s, as
/// `forEachPart` says).
func conditionalProbabilities(
    graph: NeighborGraph, perplexity: Double, threads: Int, library: ProductLibrary = .openBLAS
) -> [Float] {
    let k = graph.neighbors
    var probabilities = [Float](repeating: 0, count: graph.count * k)
    let target = log(perplexity)
    graph.squaredDistances.withUnsafeBufferPointer { d in
        probabilities.withUnsafeMutableBufferPointer { p in
            guard let db = d.baseAddress, let pb = p.baseAddress else { return }
            let shared = UncheckedSendable(value: (db, pb))
            forEachPart(parts: threads, on: library) { part in
                let (distances, output) = shared.value
                for row in partRange(part: part, parts: threads, count: graph.count) {
                    calibrateRow(
                        squaredDistances: distances + row * k, count: k, targetEntropy: target,
                        probabilities: output + row * k)
                }
            }
        }
    }
    return probabilities
}

/// Bisection on the precision `β` of one row: `p_j ∝ exp(−β(d_j − d_min))`.
///
/// Shifting by the nearest distance leaves the normalised probabilities and the entropy unchanged
/// but keeps the largest term at exactly 1, so the sum never underflows to zero.
private func calibrateRow(
    squaredDistances d: UnsafePointer<Float>, count k: Int, targetEntropy: Double,
    probabilities: UnsafeMutablePointer<Float>
) {
    var nearest = Double(d[0])
    for j in 1..<max(1, k) { nearest = min(nearest, Double(d[j])) }
    var beta = 1.0
    var lower = 0.0
    var upper = Double.infinity
    for _ in 0..<perplexityMaximumSteps {
        var sum = 0.0
        var weighted = 0.0
        for j in 0..<k {
            let shifted = Double(d[j]) - nearest
            let p = exp(-beta * shifted)
            sum += p
            weighted += shifted * p
        }
        let entropy = log(sum) + beta * weighted / sum
        let excess = entropy - targetEntropy
        if abs(excess) <= perplexityTolerance { break }
        if excess > 0 {
            // Too flat: sharpen.
            lower = beta
            beta = upper.isInfinite ? beta * 2 : (beta + upper) / 2
        } else {
            upper = beta
            beta = (beta + lower) / 2
        }
    }
    var sum = 0.0
    for j in 0..<k { sum += exp(-beta * (Double(d[j]) - nearest)) }
    for j in 0..<k { probabilities[j] = Float(exp(-beta * (Double(d[j]) - nearest)) / sum) }
}

/// Symmetrises conditional probabilities into `P = (P + Pᵀ) / 2N`, entries of each row in a
/// fixed order: the point's own neighbours first, then the points that have it as a neighbour.
func symmetrize(graph: NeighborGraph, conditional: [Float]) -> SparseAffinities {
    let n = graph.count
    let k = graph.neighbors
    // Incoming edges of each point, sources ascending (a counting sort by target).
    var incomingStarts = [Int](repeating: 0, count: n + 1)
    for edge in 0..<(n * k) { incomingStarts[Int(graph.indices[edge]) + 1] += 1 }
    for i in 0..<n { incomingStarts[i + 1] += incomingStarts[i] }
    var fill = incomingStarts
    var incomingEdges = [Int](repeating: 0, count: n * k)
    for edge in 0..<(n * k) {
        let target = Int(graph.indices[edge])
        incomingEdges[fill[target]] = edge
        fill[target] += 1
    }
    var rowStarts = [Int](repeating: 0, count: n + 1)
    var columns = [Int32]()
    var values = [Double]()
    columns.reserveCapacity(2 * n * k)
    values.reserveCapacity(2 * n * k)
    var slotOfColumn = [Int](repeating: -1, count: n)
    for i in 0..<n {
        let rowStart = columns.count
        for slot in 0..<k {
            let j = Int(graph.indices[i * k + slot])
            slotOfColumn[j] = columns.count
            columns.append(Int32(j))
            values.append(Double(conditional[i * k + slot]))
        }
        for position in incomingStarts[i]..<incomingStarts[i + 1] {
            let edge = incomingEdges[position]
            let source = edge / k
            if slotOfColumn[source] >= 0 {
                values[slotOfColumn[source]] += Double(conditional[edge])
            } else {
                columns.append(Int32(source))
                values.append(Double(conditional[edge]))
            }
        }
        for entry in rowStart..<columns.count { slotOfColumn[Int(columns[entry])] = -1 }
        rowStarts[i + 1] = columns.count
    }
    let normalizer = 1 / (2 * Double(n))
    return SparseAffinities(
        count: n, rowStarts: rowStarts, columns: columns, values: values.map { Float($0 * normalizer) })
}
