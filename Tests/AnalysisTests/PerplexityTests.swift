import Foundation
import Testing

@testable import Analysis

@Test func perplexityCalibrationGivesEachRowEntropyLogPerplexity() throws {
    let count = 60
    let points = gaussianPoints(count: count, dimension: 3, seed: 1)
    let graph = try NeighborGraph(points: points, count: count, dimension: 3, neighbors: 15)
    let perplexity = 5.0
    let probabilities = conditionalProbabilities(graph: graph, perplexity: perplexity, threads: 2)
    for row in 0..<count {
        let slice = probabilities[(row * 15)..<((row + 1) * 15)].map { Double($0) }
        let entropy = -slice.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
        #expect(abs(entropy - log(perplexity)) < 1e-4, "row \(row): entropy \(entropy)")
        #expect(abs(slice.reduce(0, +) - 1) < 1e-5)
    }
}

@Test func symmetrizedAffinitiesAreSymmetricAndSumToOne() throws {
    let count = 40
    let points = gaussianPoints(count: count, dimension: 4, seed: 2)
    let graph = try NeighborGraph(points: points, count: count, dimension: 4, neighbors: 9)
    let joint = symmetrize(graph: graph, conditional: conditionalProbabilities(graph: graph, perplexity: 3, threads: 1))
    var dense = [Double](repeating: 0, count: count * count)
    for i in 0..<count {
        for entry in joint.rowStarts[i]..<joint.rowStarts[i + 1] {
            dense[i * count + Int(joint.columns[entry])] += Double(joint.values[entry])
        }
    }
    #expect(abs(dense.reduce(0, +) - 1) < 1e-5)
    for i in 0..<count {
        for j in 0..<count { #expect(abs(dense[i * count + j] - dense[j * count + i]) < 1e-8) }
    }
}
