import Kernels

/// The principal directions of a point set: its mean and the leading eigenvectors of its sample
/// covariance, largest variance first, each oriented so its largest component is positive.
///
/// Used to reduce t-SNE inputs to 50 dimensions, to initialise the map, and for latent walks
/// along the main directions of a set of codes.
public struct PrincipalComponents: Sendable {
    /// The dimension of the points.
    public let dimension: Int
    /// The mean point, `dimension` values.
    public let mean: [Float]
    /// The directions as unit rows, row-major `variances.count × dimension`.
    public let directions: [Float]
    /// The variance of the data along each direction (the covariance eigenvalues), descending.
    public let variances: [Double]

    /// The library the fit's and the projections' products run on.
    public let library: ProductLibrary

    /// How many directions were kept.
    public var componentCount: Int { variances.count }

    /// Fits the `components` leading directions of `count × dimension` row-major `points`.
    ///
    /// Throws for fewer than two points, a component count outside `1...dimension`, a buffer of
    /// the wrong size, or a non-finite value.
    public init(
        points: [Float], count: Int, dimension: Int, components: Int, library: ProductLibrary = .openBLAS
    ) throws {
        try requireShape(points, count: count, dimension: dimension, what: "points")
        guard count >= 2 else {
            throw AnalysisError.tooFewPoints(needed: 2, got: count, purpose: "principal components")
        }
        guard components >= 1, components <= dimension else {
            throw AnalysisError.invalidParameter(
                name: "components", value: "\(components)", expected: "a count in 1...\(dimension)")
        }
        try requireFinite(points, what: "points")
        let (mean, covariance) = points.withUnsafeBufferPointer { p -> ([Double], [Float]) in
            guard let base = p.baseAddress else { return ([], []) }
            let mean = columnMeans(points: base, count: count, dimension: dimension)
            return (
                mean, covarianceMatrix(points: base, count: count, dimension: dimension, mean: mean, library: library)
            )
        }
        let eigen = leadingEigenpairs(matrix: covariance, order: dimension, wanted: components, library: library)
        self.library = library
        self.dimension = dimension
        self.mean = mean.map { Float($0) }
        self.directions = eigen.vectors.map { Float($0) }
        // Rounding can leave tiny negative eigenvalues of a positive semi-definite matrix.
        self.variances = eigen.values.map { max(0, $0) }
    }

    /// The coordinates of `count` row-major points along the directions: `count × componentCount`.
    public func project(points: [Float], count: Int) throws -> [Float] {
        try requireShape(points, count: count, dimension: dimension, what: "points")
        let k = componentCount
        var projected = [Float](repeating: 0, count: count * k)
        let meanDouble = mean.map { Double($0) }
        points.withUnsafeBufferPointer { p in
            projected.withUnsafeMutableBufferPointer { out in
                directions.withUnsafeBufferPointer { v in
                    guard let pb = p.baseAddress, let ob = out.baseAddress, let vb = v.baseAddress else { return }
                    forEachCenteredBlock(points: pb, count: count, dimension: dimension, mean: meanDouble) {
                        block, rows in
                        gemm(
                            c: ob + rows.lowerBound * k, a: block, b: vb, m: rows.count, n: k, k: dimension,
                            transposeB: true, accumulate: false, context: ExecutionContext(library: library))
                    }
                }
            }
        }
        return projected
    }
}
