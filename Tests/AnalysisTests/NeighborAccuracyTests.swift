import Testing

@testable import Analysis

/// Eight points on a line whose 2-NN votes were worked out by hand: five are right.
private let linePoints: [Float] = [0, 1, 2, 10, 11, 12, 5.9, 11.6]
private let lineLabels = [0, 0, 0, 1, 1, 1, 0, 0]

@Test func neighborAccuracyOfHandBuiltLineIsFiveEighths() throws {
    let accuracy = try NeighborAccuracy.accuracy(points: linePoints, count: 8, dimension: 1, labels: lineLabels, k: 2)
    #expect(accuracy == 5.0 / 8.0)
}

@Test func neighborAccuracyThroughGEMMPathMatchesDirectPath() throws {
    // Twelve dimensions take the GEMM route; the line sits in the fourth coordinate.
    var padded = [Float](repeating: 0, count: 8 * 12)
    for i in 0..<8 { padded[i * 12 + 3] = linePoints[i] }
    let accuracy = try NeighborAccuracy.accuracy(points: padded, count: 8, dimension: 12, labels: lineLabels, k: 2)
    #expect(accuracy == 5.0 / 8.0)
}

@Test func majorityVoteBeatsNearestAndTiesGoToNearest() {
    #expect(NeighborAccuracy.majorityLabel([1, 2, 2]) == 2)
    #expect(NeighborAccuracy.majorityLabel([3, 4, 4, 3]) == 3)
    #expect(NeighborAccuracy.majorityLabel([5, 6, 7]) == 5)
}

@Test func neighborGraphListsNearestFirstAndNeverItself() throws {
    let graph = try NeighborGraph(points: linePoints, count: 8, dimension: 1, neighbors: 3)
    #expect(Array(graph.indices[0..<3]) == [1, 2, 6])
    #expect(Array(graph.squaredDistances[0..<3]) == [1, 4, 5.9 * 5.9])
    for i in 0..<8 { #expect(!graph.indices[(i * 3)..<(i * 3 + 3)].contains(Int32(i))) }
}
