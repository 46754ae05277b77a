import Testing

@testable import Analysis

/// Sparse affinities of `count` seeded points, and a spread-out seeded 2-D map.
private func fixture(count: Int) throws -> (SparseAffinities, [Double]) {
    let points = gaussianPoints(count: count, dimension: 5, seed: 3)
    let graph = try NeighborGraph(points: points, count: count, dimension: 5, neighbors: 15)
    let joint = symmetrize(graph: graph, conditional: conditionalProbabilities(graph: graph, perplexity: 5, threads: 1))
    let map = gaussianPoints(count: count, dimension: 2, seed: 4, scale: 5).map { Double($0) }
    return (joint, map)
}

/// The O(N²) gradient straight from the definition.
private func exactGradient(_ p: SparseAffinities, _ y: [Double], exaggeration: Double) -> [Double] {
    let n = p.count
    var gradient = [Double](repeating: 0, count: 2 * n)
    var z = 0.0
    var repulsion = [Double](repeating: 0, count: 2 * n)
    for i in 0..<n {
        for j in 0..<n where j != i {
            let dx = y[2 * i] - y[2 * j]
            let dy = y[2 * i + 1] - y[2 * j + 1]
            let w = 1 / (1 + dx * dx + dy * dy)
            z += w
            repulsion[2 * i] += w * w * dx
            repulsion[2 * i + 1] += w * w * dy
        }
        for entry in p.rowStarts[i]..<p.rowStarts[i + 1] {
            let j = Int(p.columns[entry])
            let dx = y[2 * i] - y[2 * j]
            let dy = y[2 * i + 1] - y[2 * j + 1]
            let pw = Double(p.values[entry]) / (1 + dx * dx + dy * dy)
            gradient[2 * i] += exaggeration * pw * dx
            gradient[2 * i + 1] += exaggeration * pw * dy
        }
    }
    return (0..<(2 * n)).map { gradient[$0] - repulsion[$0] / z }
}

private func barnesHut(_ p: SparseAffinities, _ y: [Double], theta: Double, exaggeration: Double) -> [Double] {
    let evaluator = BarnesHutGradient(affinities: p, theta: theta, threads: 2)
    var gradient = [Double](repeating: 0, count: y.count)
    y.withUnsafeBufferPointer { yb in
        gradient.withUnsafeMutableBufferPointer { g in
            evaluator.evaluate(positions: yb.baseAddress!, exaggeration: exaggeration, gradient: g.baseAddress!)
        }
    }
    return gradient
}

/// The largest coordinate error relative to the largest gradient coordinate.
private func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    let scale = b.map(abs).max() ?? 1
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
}

@Test func barnesHutGradientMatchesExactGradientWithSmallTheta() throws {
    let (p, y) = try fixture(count: 100)
    let exact = exactGradient(p, y, exaggeration: 12)
    #expect(relativeError(barnesHut(p, y, theta: 0.1, exaggeration: 12), exact) < 1e-3)
}

@Test func barnesHutGradientWithThetaZeroIsExact() throws {
    let (p, y) = try fixture(count: 100)
    #expect(relativeError(barnesHut(p, y, theta: 0, exaggeration: 1), exactGradient(p, y, exaggeration: 1)) < 1e-12)
}

@Test func barnesHutGradientAtDefaultThetaStaysClose() throws {
    let (p, y) = try fixture(count: 100)
    #expect(relativeError(barnesHut(p, y, theta: 0.5, exaggeration: 1), exactGradient(p, y, exaggeration: 1)) < 0.05)
}
