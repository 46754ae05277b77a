import Kernels

/// How far a set of codes lies from an isotropic Gaussian prior `N(μ·1, σ²I)`.
///
/// Three figures, because each answers a different question:
/// - `meanDistance = ‖mean − μ·1‖`, how far the codes' centre is from the prior's;
/// - `covarianceDistance = ‖cov − σ²I‖_F / D`, the covariance error per dimension;
/// - `frechetDistance = ‖mean − μ·1‖² + tr(cov) + Dσ² − 2σ·Σᵢ √λᵢ(cov)`, the squared 2-Wasserstein
///   (Fréchet) distance between `N(mean, cov)` and the prior: zero exactly when both match. With an
///   isotropic prior the matrix square root in the general formula reduces to `σ·cov^{1/2}`, whose
///   trace needs only the eigenvalues `λᵢ` of `cov`.
public struct PriorFit: Sendable, Equatable {
    /// The codes' mean, `dimension` values.
    public let mean: [Double]
    /// The codes' sample covariance, row-major `dimension × dimension`.
    public let covariance: [Double]
    /// `‖mean − μ·1‖`.
    public let meanDistance: Double
    /// `‖cov − σ²I‖_F / dimension`.
    public let covarianceDistance: Double
    /// The Fréchet distance between `N(mean, cov)` and `N(μ·1, σ²I)`.
    public let frechetDistance: Double

    /// Measures `count × dimension` row-major `codes` against the prior `N(priorMean·1, priorStd²·I)`.
    ///
    /// The covariance's products run on `library`. The eigenvalues come from Jacobi, about `2·dimension³` flops per sweep: instant for 100-d codes.
    public init(
        codes: [Float], count: Int, dimension: Int, priorMean: Double = 0, priorStd: Double = 1,
        library: ProductLibrary = .openBLAS
    ) throws {
        try requireShape(codes, count: count, dimension: dimension, what: "codes")
        guard count >= 2 else { throw AnalysisError.tooFewPoints(needed: 2, got: count, purpose: "code statistics") }
        guard priorStd > 0, priorStd.isFinite, priorMean.isFinite else {
            throw AnalysisError.invalidParameter(
                name: "prior", value: "N(\(priorMean), \(priorStd)²)", expected: "a finite mean and a std > 0")
        }
        try requireFinite(codes, what: "codes")
        let (mean, covarianceFloat) = codes.withUnsafeBufferPointer { p -> ([Double], [Float]) in
            guard let base = p.baseAddress else { return ([], []) }
            let mean = columnMeans(points: base, count: count, dimension: dimension)
            return (
                mean, covarianceMatrix(points: base, count: count, dimension: dimension, mean: mean, library: library)
            )
        }
        let covariance = covarianceFloat.map { Double($0) }
        let variance = priorStd * priorStd
        var meanSquared = 0.0
        var covarianceSquared = 0.0
        var trace = 0.0
        for i in 0..<dimension {
            meanSquared += (mean[i] - priorMean) * (mean[i] - priorMean)
            trace += covariance[i * dimension + i]
            for j in 0..<dimension {
                let difference = covariance[i * dimension + j] - (i == j ? variance : 0)
                covarianceSquared += difference * difference
            }
        }
        let eigen = SymmetricEigen(symmetric: covariance, order: dimension)
        let rootTrace = eigen.values.reduce(0) { $0 + max(0, $1).squareRoot() }
        self.mean = mean
        self.covariance = covariance
        self.meanDistance = meanSquared.squareRoot()
        self.covarianceDistance = covarianceSquared.squareRoot() / Double(dimension)
        self.frechetDistance = max(0, meanSquared + trace + Double(dimension) * variance - 2 * priorStd * rootTrace)
    }
}
