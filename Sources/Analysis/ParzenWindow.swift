import Foundation
import Kernels

/// The Parzen-window (Gaussian kernel density) estimate of the log-likelihood of points under a
/// set of samples, the AAE and GAN papers' measure of a generative model on MNIST:
/// log p(x) = log (1/n) Σᵢ N(x; sᵢ, σ²I), in nats per point.
public enum ParzenWindow {
    /// Rows of points whose distances to every sample are computed at once (memory: rows × n floats).
    static let rowsPerBlock = 256

    /// The mean log-likelihood of the `count` points (row-major, `dimension` values each) under
    /// the `sampleCount` samples, for each of `sigmas`; the distances' products run on `library`.
    public static func meanLogLikelihoods(
        points: [Float], count: Int, samples: [Float], sampleCount: Int, dimension: Int, sigmas: [Double],
        library: ProductLibrary = .openBLAS
    ) -> [Double] {
        guard count > 0, sampleCount > 0 else { return sigmas.map { _ in -.infinity } }
        let sampleNorms = squaredNorms(samples, count: sampleCount, dimension: dimension)
        var totals = [Double](repeating: 0, count: sigmas.count)
        var products = [Float](repeating: 0, count: rowsPerBlock * sampleCount)
        var distances = [Double](repeating: 0, count: sampleCount)
        for start in stride(from: 0, to: count, by: rowsPerBlock) {
            let rows = min(rowsPerBlock, count - start)
            points.withUnsafeBufferPointer { p in
                samples.withUnsafeBufferPointer { s in
                    products.withUnsafeMutableBufferPointer { c in
                        // x·sᵀ for the block's rows: ‖x − s‖² = ‖x‖² + ‖s‖² − 2 x·s.
                        gemm(
                            c: c.baseAddress!, a: p.baseAddress! + start * dimension, b: s.baseAddress!, m: rows,
                            n: sampleCount, k: dimension, transposeB: true, accumulate: false,
                            context: ExecutionContext(library: library))
                    }
                }
            }
            for row in 0..<rows {
                let x = points[((start + row) * dimension)..<((start + row + 1) * dimension)]
                let norm = x.reduce(0.0) { $0 + Double($1) * Double($1) }
                for j in 0..<sampleCount {
                    distances[j] = max(norm + sampleNorms[j] - 2 * Double(products[row * sampleCount + j]), 0)
                }
                for (index, sigma) in sigmas.enumerated() {
                    totals[index] += logMeanGaussian(distances, sigma: sigma, dimension: dimension)
                }
            }
        }
        return totals.map { $0 / Double(count) }
    }

    /// log (1/n) Σ N(x; sⱼ, σ²I) from the squared distances ‖x − sⱼ‖², computed stably.
    static func logMeanGaussian(_ distances: [Double], sigma: Double, dimension: Int) -> Double {
        let scale = -1 / (2 * sigma * sigma)
        let largest = distances.reduce(-Double.infinity) { max($0, scale * $1) }
        let sum = distances.reduce(0.0) { $0 + exp(scale * $1 - largest) }
        return largest + log(sum / Double(distances.count))
            - Double(dimension) * log(sigma * (2 * Double.pi).squareRoot())
    }

    static func squaredNorms(_ values: [Float], count: Int, dimension: Int) -> [Double] {
        (0..<count).map { row in
            values[(row * dimension)..<((row + 1) * dimension)].reduce(0.0) { $0 + Double($1) * Double($1) }
        }
    }
}
