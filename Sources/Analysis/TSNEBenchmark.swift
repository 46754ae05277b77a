/// The figures of one timed t-SNE run: how long it took and how well the map keeps labels together.
public struct TSNEBenchmarkResult: Sendable, Equatable {
    /// Points mapped.
    public let count: Int
    /// Wall-clock seconds of the whole embedding (PCA, neighbours, affinities, optimisation).
    public let seconds: Double
    /// Leave-one-out 10-NN label accuracy of the 2-D map, or `nil` without labels.
    public let mapAccuracy: Double?
    /// The map itself, `count × 2` row-major.
    public let map: [Float]
}

/// Times t-SNE on a labelled point set, for `runexp bench` (`tsne_10k_s`) and issue 6's check
/// (10,000 MNIST test digits: map 10-NN accuracy ≥ 0.94 in under 20 s on two cores).
public enum TSNEBenchmark {
    /// Embeds `count × dimension` row-major `points` with `configuration` and measures the map.
    public static func run(
        points: [Float], count: Int, dimension: Int, labels: [Int]? = nil,
        configuration: TSNEConfiguration = TSNEConfiguration(), seed: UInt64 = 0
    ) throws -> TSNEBenchmarkResult {
        let clock = ContinuousClock()
        let start = clock.now
        let map = try TSNE.embed(
            points: points, count: count, dimension: dimension, configuration: configuration, seed: seed)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var accuracy: Double? = nil
        if let labels {
            accuracy = try NeighborAccuracy.accuracy(
                points: map, count: count, dimension: 2, labels: labels, k: 10, threads: configuration.threads,
                library: configuration.library)
        }
        return TSNEBenchmarkResult(count: count, seconds: seconds, mapAccuracy: accuracy, map: map)
    }
}
