import Foundation
import Kernels
import Spec

/// Draws batches from the spec's prior, from its own random stream.
public struct PriorSampler: Sendable {
    public let prior: PriorSpec
    public var stream: RandomStream

    public init(prior: PriorSpec, seed: UInt64) {
        self.prior = prior
        stream = RandomStream(seed: seed, name: "prior")
    }

    /// Fills `buffer` with `batch` samples, row after row.
    public mutating func sample(into buffer: UnsafeMutablePointer<Float>, batch: Int) {
        let count = batch * prior.dimension
        switch prior {
        case .normal(_, let mean, let std):
            stream.fillNormal(buffer: buffer, count: count, mean: Float(mean), std: Float(std))
        case .uniform(_, let low, let high):
            stream.fillUniform(buffer: buffer, count: count, lower: Float(low), upper: Float(high))
        case .mixture(let modes, let radius, let std):
            for row in 0..<batch {
                let angle = 2 * Double.pi * Double(stream.nextInt(below: modes)) / Double(modes)
                let (a, b) = stream.nextNormalPair()
                buffer[2 * row] = Float(radius * cos(angle) + std * a)
                buffer[2 * row + 1] = Float(radius * sin(angle) + std * b)
            }
        }
    }
}
