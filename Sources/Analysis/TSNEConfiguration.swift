import Kernels

/// How the t-SNE map starts.
public enum TSNEInitialization: Sendable, Equatable {
    /// The first two principal components, scaled so the first has standard deviation 1e-4
    /// (openTSNE's default). Deterministic: the seed does not change the map.
    case pca
    /// Gaussian noise with standard deviation 1e-4 from the seed's `tsne.init` stream.
    case random
}

/// The settings of a t-SNE run; the defaults are openTSNE's (and scikit-learn's where they agree).
public struct TSNEConfiguration: Sendable, Equatable {
    /// The effective number of neighbours each point's Gaussian covers; `3 × perplexity`
    /// (rounded up) nearest neighbours enter the affinities.
    public var perplexity: Double = 30
    /// Gradient-descent iterations in all, early exaggeration included.
    public var iterations: Int = 1000
    /// The first iterations run with `earlyExaggeration` and `earlyMomentum`.
    public var earlyExaggerationIterations: Int = 250
    /// The factor on the attractive forces during early exaggeration.
    public var earlyExaggeration: Double = 12
    /// The factor on the attractive forces afterwards (1 is plain t-SNE).
    public var exaggeration: Double = 1
    /// Momentum during early exaggeration.
    public var earlyMomentum: Double = 0.5
    /// Momentum afterwards.
    public var momentum: Double = 0.8
    /// A fixed learning rate, or `nil` for openTSNE's "auto": `max(200, N / exaggeration)` in each phase.
    public var learningRate: Double? = nil
    /// Barnes–Hut opening angle; 0 makes the repulsion exact (and quadratic).
    public var theta: Double = 0.5
    /// Inputs of more dimensions are first projected onto this many principal components; 0 never reduces.
    public var pcaDimension: Int = 50
    /// How the map starts.
    public var initialization: TSNEInitialization = .pca
    /// The floor of the per-coordinate gains (delta-bar-delta: +0.2 on a sign change, ×0.8 otherwise).
    public var minimumGain: Double = 0.01
    /// Threads for the neighbour search, the calibration and the gradient; the map does not depend on it.
    public var threads: Int = availableProcessorCount()
    /// The library the PCA's and the neighbour search's products run on (and, with oneDNN, the
    /// threads the parts share); the run's own, so that a map is that run's bits.
    public var library: ProductLibrary = .openBLAS
    /// The progress callback fires every this many iterations (and after the last).
    public var progressInterval: Int = 50

    /// The defaults, with the given perplexity and total iteration count.
    public init(perplexity: Double = 30, iterations: Int = 1000) {
        self.perplexity = perplexity
        self.iterations = iterations
    }

    /// The learning rate of a phase run with `exaggeration` on `count` points.
    func learningRate(count: Int, exaggeration: Double) -> Double {
        learningRate ?? max(200, Double(count) / max(exaggeration, 1e-12))
    }

    /// Throws for a setting outside its valid range.
    func validate() throws {
        func require(_ ok: Bool, _ name: String, _ value: Any, _ expected: String) throws {
            if !ok { throw AnalysisError.invalidParameter(name: name, value: "\(value)", expected: expected) }
        }
        try require(perplexity.isFinite && perplexity >= 1, "perplexity", perplexity, "a finite value ≥ 1")
        try require(iterations >= 0, "iterations", iterations, "a count ≥ 0")
        try require(
            earlyExaggerationIterations >= 0, "early exaggeration iterations", earlyExaggerationIterations, "≥ 0")
        try require(earlyExaggeration.isFinite && earlyExaggeration > 0, "early exaggeration", earlyExaggeration, "> 0")
        try require(exaggeration.isFinite && exaggeration > 0, "exaggeration", exaggeration, "> 0")
        try require((0..<1).contains(earlyMomentum), "early momentum", earlyMomentum, "a value in [0, 1)")
        try require((0..<1).contains(momentum), "momentum", momentum, "a value in [0, 1)")
        try require(learningRate.map { $0.isFinite && $0 > 0 } ?? true, "learning rate", learningRate as Any, "> 0")
        try require(theta.isFinite && theta >= 0, "theta", theta, "a finite value ≥ 0")
        try require(pcaDimension >= 0, "PCA dimension", pcaDimension, "≥ 0 (0 disables)")
        try require(minimumGain.isFinite && minimumGain > 0, "minimum gain", minimumGain, "> 0")
        try require(progressInterval >= 1, "progress interval", progressInterval, "≥ 1")
    }
}
