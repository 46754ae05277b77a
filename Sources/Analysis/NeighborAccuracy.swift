import Kernels

/// Leave-one-out k-nearest-neighbour label accuracy of a point set: how well a map or a code
/// space keeps points of one class together.
public enum NeighborAccuracy {
    /// The fraction of points whose majority label among their `k` nearest neighbours (Euclidean,
    /// never the point itself) equals their own label.
    ///
    /// A tie between labels goes to the tied label met first walking out from the point, i.e.
    /// held by the nearest of the tied neighbours. Throws unless `labels` has `count` entries and
    /// `1 ≤ k < count`, and for non-finite points. The search's products run on `library`.
    public static func accuracy(
        points: [Float], count: Int, dimension: Int, labels: [Int], k: Int = 10,
        threads: Int = availableProcessorCount(), library: ProductLibrary = .openBLAS
    ) throws -> Double {
        guard labels.count == count else {
            throw AnalysisError.sizeMismatch(what: "labels", expected: count, got: labels.count)
        }
        let graph = try NeighborGraph(
            points: points, count: count, dimension: dimension, neighbors: k, threads: threads, library: library)
        return try accuracy(graph: graph, labels: labels)
    }

    /// The same accuracy from an already computed neighbour graph (its `neighbors` is `k`).
    public static func accuracy(graph: NeighborGraph, labels: [Int]) throws -> Double {
        let k = graph.neighbors
        guard labels.count == graph.count else {
            throw AnalysisError.sizeMismatch(what: "labels", expected: graph.count, got: labels.count)
        }
        var neighborLabels = [Int](repeating: 0, count: k)
        var correct = 0
        for i in 0..<graph.count {
            for slot in 0..<k { neighborLabels[slot] = labels[Int(graph.indices[i * k + slot])] }
            if majorityLabel(neighborLabels) == labels[i] { correct += 1 }
        }
        return Double(correct) / Double(graph.count)
    }

    /// The most frequent label of a nearest-first list; ties go to the label seen first.
    static func majorityLabel(_ ordered: [Int]) -> Int {
        var best = ordered[0]
        var bestCount = 0
        for (position, label) in ordered.enumerated() {
            // Count each label once, at its first (nearest) occurrence, so earlier labels win ties.
            if ordered[..<position].contains(label) { continue }
            var occurrences = 0
            for other in ordered[position...] where other == label { occurrences += 1 }
            if occurrences > bestCount {
                best = label
                bestCount = occurrences
            }
        }
        return best
    }
}

/// Leave-one-out k-NN label accuracy of `count × dimension` row-major points (default `k` 10);
/// see `NeighborAccuracy.accuracy(points:count:dimension:labels:k:threads:library:)`.
public func kNNAccuracy(
    points: [Float], count: Int, dimension: Int, labels: [Int], k: Int = 10, library: ProductLibrary = .openBLAS
) throws -> Double {
    try NeighborAccuracy.accuracy(
        points: points, count: count, dimension: dimension, labels: labels, k: k, library: library)
}
