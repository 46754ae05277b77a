import Kernels

/// `count` points of `dimension` values from a seeded standard normal, scaled by `scale`.
func gaussianPoints(count: Int, dimension: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var random = RandomStream(seed: seed, name: "analysis-tests")
    return (0..<(count * dimension)).map { _ in random.nextNormal() * scale }
}

/// Three tight Gaussian clusters far apart: `perCluster` points each, labels 0, 1, 2.
func threeClusters(perCluster: Int, dimension: Int, seed: UInt64) -> (points: [Float], labels: [Int]) {
    var random = RandomStream(seed: seed, name: "analysis-tests.clusters")
    var points: [Float] = []
    var labels: [Int] = []
    for cluster in 0..<3 {
        for _ in 0..<perCluster {
            for c in 0..<dimension {
                let centre: Float = c == cluster ? 20 : 0
                points.append(centre + random.nextNormal())
            }
            labels.append(cluster)
        }
    }
    return (points, labels)
}
