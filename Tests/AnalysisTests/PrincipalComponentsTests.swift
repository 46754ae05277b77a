import Foundation
import Testing

@testable import Analysis

@Test func symmetricEigenOfTwoByTwoIsExactAndOriented() {
    let eigen = SymmetricEigen(symmetric: [2, 1, 1, 2], order: 2)
    #expect(abs(eigen.values[0] - 3) < 1e-12 && abs(eigen.values[1] - 1) < 1e-12)
    let r = 0.5.squareRoot()
    #expect(abs(eigen.vectors[0] - r) < 1e-12 && abs(eigen.vectors[1] - r) < 1e-12)
    #expect(abs(eigen.vectors[2] - r) < 1e-12 && abs(eigen.vectors[3] + r) < 1e-12)
}

@Test func pcaFindsDirectionsOfKnownCovariance() throws {
    // Standard deviations 3, 2, 1 along axes rotated by 30° in the x–y plane.
    let count = 4000
    let z = gaussianPoints(count: count, dimension: 3, seed: 10)
    let (c, s) = (Float(cos(Double.pi / 6)), Float(sin(Double.pi / 6)))
    var points = [Float](repeating: 0, count: count * 3)
    for i in 0..<count {
        let (a, b) = (3 * z[3 * i], 2 * z[3 * i + 1])
        points[3 * i] = c * a - s * b + 5
        points[3 * i + 1] = s * a + c * b - 2
        points[3 * i + 2] = z[3 * i + 2]
    }
    let pca = try PrincipalComponents(points: points, count: count, dimension: 3, components: 3)
    let expected: [[Float]] = [[c, s, 0], [-s, c, 0], [0, 0, 1]]
    for k in 0..<3 {
        let dot = (0..<3).reduce(Float(0)) { $0 + pca.directions[k * 3 + $1] * expected[k][$1] }
        #expect(dot > 0.99, "direction \(k): dot \(dot)")
    }
    #expect(abs(pca.variances[0] - 9) < 0.6 && abs(pca.variances[1] - 4) < 0.3 && abs(pca.variances[2] - 1) < 0.1)
    #expect(abs(pca.mean[0] - 5) < 0.2 && abs(pca.mean[1] + 2) < 0.2)
}

@Test func subspaceIterationFindsLeadingEigenpairsOfLargeMatrix() {
    // A diagonal matrix of order 200 with eigenvalues 100·0.9^i placed in a shuffled order.
    let order = 200
    var matrix = [Float](repeating: 0, count: order * order)
    for i in 0..<order {
        let position = (i * 37) % order
        matrix[position * order + position] = Float(100 * pow(0.9, Double(i)))
    }
    let eigen = leadingEigenpairs(matrix: matrix, order: order, wanted: 3, library: .openBLAS)
    for k in 0..<3 {
        #expect(abs(eigen.values[k] - 100 * pow(0.9, Double(k))) < 1e-3)
        #expect(abs(eigen.vectors[k * order + (k * 37) % order] - 1) < 1e-4)
    }
}

@Test func pcaProjectionOfCentredPointsIsTheirCoordinates() throws {
    // Points on the line y = x: one component, coordinates ±√2 times the offset.
    let pca = try PrincipalComponents(points: [-1, -1, 0, 0, 1, 1], count: 3, dimension: 2, components: 1)
    let projected = try pca.project(points: [-1, -1, 0, 0, 1, 1], count: 3)
    let r = Float(2.0.squareRoot())
    #expect(abs(projected[0] + r) < 1e-6 && abs(projected[1]) < 1e-6 && abs(projected[2] - r) < 1e-6)
}
