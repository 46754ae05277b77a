import Testing

@testable import Analysis

@Test func tsneSeparatesThreeGaussianClustersPerfectly() throws {
    let (points, labels) = threeClusters(perCluster: 70, dimension: 10, seed: 5)
    var configuration = TSNEConfiguration(perplexity: 10, iterations: 300)
    configuration.earlyExaggerationIterations = 100
    let map = try TSNE.embed(points: points, count: 210, dimension: 10, configuration: configuration)
    #expect(map.count == 420)
    #expect(map.allSatisfy { $0.isFinite })
    #expect(try NeighborAccuracy.accuracy(points: map, count: 210, dimension: 2, labels: labels) == 1.0)
}

/// A short random-start run on 120 points, so the seed is the only source of difference.
private func shortRun(seed: UInt64, threads: Int = 2) throws -> [Float] {
    let points = gaussianPoints(count: 120, dimension: 6, seed: 6)
    var configuration = TSNEConfiguration(perplexity: 8, iterations: 60)
    configuration.earlyExaggerationIterations = 30
    configuration.initialization = .random
    configuration.threads = threads
    return try TSNE.embed(points: points, count: 120, dimension: 6, configuration: configuration, seed: seed)
}

@Test func tsneWithSameSeedIsBitIdenticalAndAnotherSeedDiffers() throws {
    let first = try shortRun(seed: 11)
    let again = try shortRun(seed: 11)
    let other = try shortRun(seed: 12)
    #expect(first.map(\.bitPattern) == again.map(\.bitPattern))
    #expect(first != other)
}

@Test func tsneMapDoesNotDependOnThreadCount() throws {
    #expect(try shortRun(seed: 11, threads: 1).map(\.bitPattern) == shortRun(seed: 11, threads: 3).map(\.bitPattern))
}

@Test func tsneReportsFiniteDecreasingKLDivergence() throws {
    let (points, _) = threeClusters(perCluster: 40, dimension: 5, seed: 7)
    var configuration = TSNEConfiguration(perplexity: 10, iterations: 200)
    configuration.earlyExaggerationIterations = 50
    configuration.progressInterval = 50
    var reports: [TSNEProgress] = []
    _ = try TSNE.embed(points: points, count: 120, dimension: 5, configuration: configuration) { reports.append($0) }
    #expect(reports.map(\.iteration) == [50, 100, 150, 200])
    #expect(reports.allSatisfy { $0.klDivergence.isFinite && $0.klDivergence >= 0 })
    #expect(reports[3].klDivergence < reports[0].klDivergence)
}

private struct StopAsked: Error {}

@Test func tsneStopsAtTheProgressReportThatThrows() throws {
    let points = gaussianPoints(count: 120, dimension: 6, seed: 6)
    var configuration = TSNEConfiguration(perplexity: 8, iterations: 200)
    configuration.progressInterval = 10
    var seen: [Int] = []
    #expect(throws: StopAsked.self) {
        _ = try TSNE.embed(points: points, count: 120, dimension: 6, configuration: configuration) { report in
            seen.append(report.iteration)
            if report.iteration == 30 { throw StopAsked() }
        }
    }
    #expect(seen == [10, 20, 30])
}

@Test func tsneMapIsTheSameWhetherProgressIsWatchedOrNot() throws {
    let points = gaussianPoints(count: 120, dimension: 6, seed: 6)
    var configuration = TSNEConfiguration(perplexity: 8, iterations: 60)
    configuration.progressInterval = 7
    let unwatched = try TSNE.embed(points: points, count: 120, dimension: 6, configuration: configuration)
    var reports = 0
    let watched = try TSNE.embed(points: points, count: 120, dimension: 6, configuration: configuration) { _ in
        reports += 1
    }
    #expect(reports == 9)  // iterations 7, 14, …, 56 and the last
    #expect(watched.map(\.bitPattern) == unwatched.map(\.bitPattern))
}

@Test func tsneReducesWideInputsWithPCAFirst() throws {
    // 60 dimensions exceed the configured 8, so the PCA step runs before the neighbour search.
    let (points, labels) = threeClusters(perCluster: 40, dimension: 60, seed: 8)
    var configuration = TSNEConfiguration(perplexity: 10, iterations: 250)
    configuration.pcaDimension = 8
    configuration.earlyExaggerationIterations = 100
    let map = try TSNE.embed(points: points, count: 120, dimension: 60, configuration: configuration)
    #expect(try NeighborAccuracy.accuracy(points: map, count: 120, dimension: 2, labels: labels) == 1.0)
}
