import Kernels

/// One progress report of a t-SNE run.
public struct TSNEProgress: Sendable, Equatable {
    /// Iterations completed.
    public let iteration: Int
    /// The Barnes–Hut estimate of `KL(P ‖ Q)` at that point (with the unexaggerated `P`).
    public let klDivergence: Double
}

/// t-SNE (van der Maaten 2014, "Accelerating t-SNE using tree-based algorithms") with openTSNE's
/// defaults: PCA to 50 dimensions, exact nearest neighbours, perplexity-calibrated sparse
/// affinities, PCA initialisation, Barnes–Hut gradients, early exaggeration, momentum and gains.
///
/// Deterministic: the same points, configuration and seed give a bit-identical map.
public enum TSNE {
    /// The standard deviation of the first coordinate of the initial map (openTSNE's scale).
    static let initialScale = 1e-4

    /// The nearest neighbours that enter each point's affinities at `perplexity`: `3 × perplexity`,
    /// rounded up. A map needs more points than that: `embed` refuses fewer, and so do a run's
    /// `tsne` output and `runexp check` of it, by this one rule.
    public static func neighbors(perplexity: Double) -> Int { Int((3 * perplexity).rounded(.up)) }

    /// A 2-D map of `count` row-major points of `dimension` values: `count × 2` row-major.
    public static func embed(
        points: [Float], count: Int, dimension: Int, perplexity: Double = 30, iterations: Int = 1000,
        seed: UInt64 = 0
    ) throws -> [Float] {
        try embed(
            points: points, count: count, dimension: dimension,
            configuration: TSNEConfiguration(perplexity: perplexity, iterations: iterations), seed: seed)
    }

    /// A 2-D map under a full configuration; `progress` (if any) gets the KL estimate every
    /// `configuration.progressInterval` iterations, and may throw to stop the run there (a
    /// caller's Ctrl-C): the error is passed on.
    ///
    /// Throws for a malformed buffer, NaN or infinite values, an invalid setting, or too few points
    /// for the perplexity (`3 × perplexity` neighbours per point).
    public static func embed(
        points: [Float], count: Int, dimension: Int, configuration: TSNEConfiguration, seed: UInt64 = 0,
        progress: ((TSNEProgress) throws -> Void)? = nil
    ) throws -> [Float] {
        try configuration.validate()
        try requireShape(points, count: count, dimension: dimension, what: "points")
        let neighbors = neighbors(perplexity: configuration.perplexity)
        guard count > neighbors else {
            throw AnalysisError.perplexityTooLarge(
                perplexity: configuration.perplexity, neighbors: neighbors, points: count)
        }
        try requireFinite(points, what: "points")
        let affinities = try prepareAffinities(
            points: points, count: count, dimension: dimension, neighbors: neighbors, configuration: configuration)
        var positions = try initialPositions(
            points: affinities.reduced, count: count, dimension: affinities.reducedDimension,
            initialization: configuration.initialization, seed: seed, library: configuration.library)
        try optimize(
            positions: &positions, affinities: affinities.joint, configuration: configuration, progress: progress)
        return positions.map { Float($0) }
    }

    /// PCA-reduced inputs (when wider than `pcaDimension`) and their joint probabilities.
    static func prepareAffinities(
        points: [Float], count: Int, dimension: Int, neighbors: Int, configuration: TSNEConfiguration
    ) throws -> (reduced: [Float], reducedDimension: Int, joint: SparseAffinities) {
        var reduced = points
        var reducedDimension = dimension
        if configuration.pcaDimension > 0 && dimension > configuration.pcaDimension {
            let pca = try PrincipalComponents(
                points: points, count: count, dimension: dimension, components: configuration.pcaDimension,
                library: configuration.library)
            reduced = try pca.project(points: points, count: count)
            reducedDimension = configuration.pcaDimension
        }
        let graph = try NeighborGraph(
            points: reduced, count: count, dimension: reducedDimension, neighbors: neighbors,
            threads: configuration.threads, library: configuration.library)
        let conditional = conditionalProbabilities(
            graph: graph, perplexity: configuration.perplexity, threads: max(1, configuration.threads),
            library: configuration.library)
        return (reduced, reducedDimension, symmetrize(graph: graph, conditional: conditional))
    }

    /// The starting map, interleaved `x0, y0, x1, y1, …` in `Double`.
    static func initialPositions(
        points: [Float], count: Int, dimension: Int, initialization: TSNEInitialization, seed: UInt64,
        library: ProductLibrary = .openBLAS
    ) throws -> [Double] {
        var positions = [Double](repeating: 0, count: 2 * count)
        if initialization == .pca && dimension >= 2 {
            let pca = try PrincipalComponents(
                points: points, count: count, dimension: dimension, components: 2, library: library)
            let projected = try pca.project(points: points, count: count)
            let deviation = pca.variances[0].squareRoot()
            // A degenerate first component (all points equal) cannot be scaled; fall back to noise.
            if deviation > 0 && deviation.isFinite {
                let factor = initialScale / deviation
                for c in 0..<(2 * count) { positions[c] = Double(projected[c]) * factor }
                return positions
            }
        }
        var random = RandomStream(seed: seed, name: "tsne.init")
        for c in 0..<(2 * count) { positions[c] = Double(random.nextNormal()) * initialScale }
        return positions
    }

    /// Gradient descent with momentum and delta-bar-delta gains, re-centring the map every step.
    static func optimize(
        positions: inout [Double], affinities: SparseAffinities, configuration: TSNEConfiguration,
        progress: ((TSNEProgress) throws -> Void)?
    ) throws {
        let n = affinities.count
        let gradient = BarnesHutGradient(
            affinities: affinities, theta: configuration.theta, threads: configuration.threads,
            library: configuration.library)
        var direction = [Double](repeating: 0, count: 2 * n)
        var update = [Double](repeating: 0, count: 2 * n)
        var gains = [Double](repeating: 1, count: 2 * n)
        let total = configuration.iterations
        for iteration in 0..<total {
            let early = iteration < configuration.earlyExaggerationIterations
            let exaggeration = early ? configuration.earlyExaggeration : configuration.exaggeration
            let momentum = early ? configuration.earlyMomentum : configuration.momentum
            let rate = configuration.learningRate(count: n, exaggeration: exaggeration)
            try positions.withUnsafeMutableBufferPointer { y in
                try direction.withUnsafeMutableBufferPointer { g in
                    guard let yb = y.baseAddress, let gb = g.baseAddress else { return }
                    gradient.evaluate(positions: yb, exaggeration: exaggeration, gradient: gb)
                    let done = iteration + 1
                    if let progress, done % configuration.progressInterval == 0 || done == total {
                        try progress(TSNEProgress(iteration: done, klDivergence: gradient.klDivergence(positions: yb)))
                    }
                }
            }
            step(
                positions: &positions, gradient: direction, update: &update, gains: &gains, momentum: momentum,
                rate: rate, minimumGain: configuration.minimumGain)
        }
    }

    /// One descent step on every coordinate, then subtracting the mean so the map stays centred.
    private static func step(
        positions: inout [Double], gradient: [Double], update: inout [Double], gains: inout [Double],
        momentum: Double, rate: Double, minimumGain: Double
    ) {
        let n = positions.count / 2
        positions.withUnsafeMutableBufferPointer { y in
            update.withUnsafeMutableBufferPointer { u in
                gains.withUnsafeMutableBufferPointer { gain in
                    gradient.withUnsafeBufferPointer { g in
                        for c in 0..<(2 * n) {
                            // The update moves along −g: a gradient opposing the last update means the
                            // descent direction persisted, so that coordinate's step grows.
                            let persisted = u[c] * g[c] < 0
                            gain[c] = max(minimumGain, persisted ? gain[c] + 0.2 : gain[c] * 0.8)
                            u[c] = momentum * u[c] - rate * gain[c] * g[c]
                            y[c] += u[c]
                        }
                        let meanX = fixedOrderSum(count: n) { y[2 * $0] } / Double(max(n, 1))
                        let meanY = fixedOrderSum(count: n) { y[2 * $0 + 1] } / Double(max(n, 1))
                        for i in 0..<n {
                            y[2 * i] -= meanX
                            y[2 * i + 1] -= meanY
                        }
                    }
                }
            }
        }
    }
}
