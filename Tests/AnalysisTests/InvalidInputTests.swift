import Testing

@testable import Analysis

@Test func tsneRejectsPerplexityTooLargeForPointCount() {
    let points = gaussianPoints(count: 50, dimension: 3, seed: 9)
    #expect(throws: AnalysisError.perplexityTooLarge(perplexity: 30, neighbors: 90, points: 50)) {
        try TSNE.embed(points: points, count: 50, dimension: 3)
    }
    let message = AnalysisError.perplexityTooLarge(perplexity: 30, neighbors: 90, points: 50).description
    #expect(message.contains("at least 91 points, got 50"))
}

@Test func tsneRejectsNaNInInput() {
    var points = gaussianPoints(count: 100, dimension: 3, seed: 9)
    points[7] = .nan
    #expect(throws: AnalysisError.nonFiniteInput(what: "points", index: 7)) {
        try TSNE.embed(points: points, count: 100, dimension: 3, perplexity: 5)
    }
    #expect(AnalysisError.nonFiniteInput(what: "points", index: 7).description.contains("NaN"))
}

@Test func tsneRejectsBufferOfWrongSizeAndBadSettings() {
    #expect(throws: AnalysisError.sizeMismatch(what: "points", expected: 30, got: 29)) {
        try TSNE.embed(points: [Float](repeating: 0, count: 29), count: 10, dimension: 3, perplexity: 2)
    }
    #expect(throws: AnalysisError.invalidParameter(name: "perplexity", value: "0.5", expected: "a finite value ≥ 1")) {
        try TSNE.embed(points: [Float](repeating: 0, count: 30), count: 10, dimension: 3, perplexity: 0.5)
    }
}

@Test func neighborSearchRejectsTooFewPoints() {
    #expect(throws: AnalysisError.tooFewPoints(needed: 11, got: 5, purpose: "finding 10 nearest neighbours")) {
        try NeighborAccuracy.accuracy(points: [0, 1, 2, 3, 4], count: 5, dimension: 1, labels: [0, 0, 0, 1, 1])
    }
    #expect(throws: AnalysisError.sizeMismatch(what: "labels", expected: 5, got: 4)) {
        try NeighborAccuracy.accuracy(points: [0, 1, 2, 3, 4], count: 5, dimension: 1, labels: [0, 0, 0, 1], k: 2)
    }
}

@Test func metricsRejectMismatchedBuffers() {
    #expect(throws: AnalysisError.sizeMismatch(what: "second buffer", expected: 3, got: 2)) {
        try ImageMetrics.meanSquaredError([1, 2, 3], [1, 2])
    }
    #expect(throws: AnalysisError.tooFewPoints(needed: 2, got: 1, purpose: "principal components")) {
        try PrincipalComponents(points: [1, 2], count: 1, dimension: 2, components: 1)
    }
}
