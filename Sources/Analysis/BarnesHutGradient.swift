import Kernels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The t-SNE gradient for a 2-D map: exact attractive forces over the sparse `P`, Barnes–Hut
/// repulsive forces over a quadtree. Buffers are allocated once and reused every iteration.
///
/// The gradient is openTSNE's, without the constant factor 4 of the paper:
/// `g_i = α Σ_j p_ij w_ij (y_i − y_j) − (1/Z) Σ_j w_ij² (y_i − y_j)`, `w_ij = 1/(1 + ‖y_i − y_j‖²)`,
/// `Z = Σ_{i≠j} w_ij`, `α` the exaggeration. Every point's forces are computed independently, and
/// `Z` is summed in point order, so the result is the same for any number of threads.
final class BarnesHutGradient {
    /// The affinities the attractive forces pull along.
    let affinities: SparseAffinities
    /// The Barnes–Hut opening angle: a cell of side `w` at distance `d` is summarised when `w/d < θ`.
    let theta: Double
    /// How many contiguous parts the points are split into.
    let threads: Int
    /// Whose threads the parts run on (`forEachPart`).
    let library: ProductLibrary
    private var tree = QuadTree()
    private var repulsion: [Double]
    private var weightSums: [Double]
    /// The normalisation `Z` of the last evaluation.
    private(set) var normalization = 0.0

    /// Prepares buffers for `affinities.count` points.
    init(affinities: SparseAffinities, theta: Double, threads: Int, library: ProductLibrary = .openBLAS) {
        self.library = library
        self.affinities = affinities
        self.theta = theta
        self.threads = max(1, threads)
        repulsion = [Double](repeating: 0, count: 2 * affinities.count)
        weightSums = [Double](repeating: 0, count: affinities.count)
    }

    /// Writes the gradient at interleaved 2-D `positions` into `gradient` (both `2 × count`).
    func evaluate(positions: UnsafePointer<Double>, exaggeration: Double, gradient: UnsafeMutablePointer<Double>) {
        let n = affinities.count
        tree.build(positions: positions, count: n)
        computeRepulsion()
        normalization = weightSums.withUnsafeBufferPointer { w in fixedOrderSum(count: n) { w[$0] } }
        let inverseZ = normalization > 0 ? 1 / normalization : 0
        computeAttraction(positions: positions, exaggeration: exaggeration, gradient: gradient)
        repulsion.withUnsafeBufferPointer { r in
            for c in 0..<(2 * n) { gradient[c] -= r[c] * inverseZ }
        }
    }

    /// The KL divergence `Σ p_ij log(p_ij / q_ij)` over the non-zero `p_ij`, with `q_ij = w_ij / Z`
    /// and `Z` from the last `evaluate`: the usual Barnes–Hut estimate.
    func klDivergence(positions: UnsafePointer<Double>) -> Double {
        let logZ = log(max(normalization, .leastNormalMagnitude))
        return fixedOrderSum(count: affinities.count) { i in
            var sum = 0.0
            for entry in affinities.rowStarts[i]..<affinities.rowStarts[i + 1] {
                let p = Double(affinities.values[entry])
                if p <= 0 { continue }
                let j = Int(affinities.columns[entry])
                let dx = positions[2 * i] - positions[2 * j]
                let dy = positions[2 * i + 1] - positions[2 * j + 1]
                // log q = −log(1 + d²) − log Z
                sum += p * (log(p) + log(1 + dx * dx + dy * dy) + logZ)
            }
            return sum
        }
    }

    /// `Σ_j p_ij w_ij (y_i − y_j)` times the exaggeration, written into `gradient`.
    private func computeAttraction(
        positions: UnsafePointer<Double>, exaggeration: Double, gradient: UnsafeMutablePointer<Double>
    ) {
        let parts = threads
        let n = affinities.count
        affinities.rowStarts.withUnsafeBufferPointer { rs in
            affinities.columns.withUnsafeBufferPointer { cs in
                affinities.values.withUnsafeBufferPointer { vs in
                    guard let rb = rs.baseAddress, let cb = cs.baseAddress, let vb = vs.baseAddress else { return }
                    let shared = UncheckedSendable(value: (rb, cb, vb, positions, gradient))
                    forEachPart(parts: parts, on: library) { part in
                        let (rows, columns, values, y, g) = shared.value
                        for i in partRange(part: part, parts: parts, count: n) {
                            let xi = y[2 * i]
                            let yi = y[2 * i + 1]
                            var fx = 0.0
                            var fy = 0.0
                            for entry in rows[i]..<rows[i + 1] {
                                let j = Int(columns[entry])
                                let dx = xi - y[2 * j]
                                let dy = yi - y[2 * j + 1]
                                let pw = Double(values[entry]) / (1 + dx * dx + dy * dy)
                                fx += pw * dx
                                fy += pw * dy
                            }
                            g[2 * i] = exaggeration * fx
                            g[2 * i + 1] = exaggeration * fy
                        }
                    }
                }
            }
        }
    }

    /// Each point's unnormalised repulsion `Σ_j w_ij² (y_i − y_j)` and weight sum `Σ_j w_ij`,
    /// walking the tree for the points in tree order (neighbouring points touch the same nodes).
    private func computeRepulsion() {
        let parts = threads
        let n = affinities.count
        let thetaSquared = theta * theta
        tree.nodes.withUnsafeBufferPointer { nodes in
            tree.sortedX.withUnsafeBufferPointer { xs in
                tree.sortedY.withUnsafeBufferPointer { ys in
                    tree.order.withUnsafeBufferPointer { order in
                        repulsion.withUnsafeMutableBufferPointer { force in
                            weightSums.withUnsafeMutableBufferPointer { sums in
                                let walk = TreeWalk(
                                    nodes: nodes, xs: xs, ys: ys, order: order, force: force, sums: sums,
                                    thetaSquared: thetaSquared)
                                forEachPart(parts: parts, on: library) { part in
                                    for s in partRange(part: part, parts: parts, count: n) { walk.run(from: s) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One point's Barnes–Hut walk over the flat tree; shared read-only by the threads, each
/// writing only the slots of its own points.
private struct TreeWalk: @unchecked Sendable {
    let nodes: UnsafeBufferPointer<QuadNode>
    let xs: UnsafeBufferPointer<Double>
    let ys: UnsafeBufferPointer<Double>
    let order: UnsafeBufferPointer<Int32>
    let force: UnsafeMutableBufferPointer<Double>
    let sums: UnsafeMutableBufferPointer<Double>
    let thetaSquared: Double

    /// Accumulates the repulsion on the point at tree position `s`.
    @inline(__always)
    func run(from s: Int) {
        let px = xs[s]
        let py = ys[s]
        var fx = 0.0
        var fy = 0.0
        var weightSum = 0.0
        var index = 0
        let nodeCount = nodes.count
        while index < nodeCount {
            let node = nodes[index]
            let dx = px - node.x
            let dy = py - node.y
            let distanceSquared = dx * dx + dy * dy
            if node.widthSquared < thetaSquared * distanceSquared {
                let w = 1 / (1 + distanceSquared)
                let mw = node.mass * w
                weightSum += mw
                fx += mw * w * dx
                fy += mw * w * dy
                index = Int(node.skip)
            } else if node.pointCount > 0 {
                let first = Int(node.firstPoint)
                for t in first..<(first + Int(node.pointCount)) where t != s {
                    let ex = px - xs[t]
                    let ey = py - ys[t]
                    let w = 1 / (1 + ex * ex + ey * ey)
                    weightSum += w
                    fx += w * w * ex
                    fy += w * w * ey
                }
                index = Int(node.skip)
            } else {
                index += 1
            }
        }
        let i = Int(order[s])
        force[2 * i] = fx
        force[2 * i + 1] = fy
        sums[i] = weightSum
    }
}
