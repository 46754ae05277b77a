import Foundation
import Kernels
import Spec

/// Draws batches from the spec's prior, from its own random stream.
public struct PriorSampler: Sendable {
    public let prior: PriorSpec
    public var stream: RandomStream
    /// The class labels of the batch being trained, for a prior that follows them
    /// (`mixture: {by_label: true}`); a row without one draws its mode at random.
    public var labels: [UInt8] = []

    public init(prior: PriorSpec, seed: UInt64) {
        self.prior = prior
        stream = RandomStream(seed: seed, name: "prior")
    }

    /// `count` samples of `prior`, row after row, from the stream `stream` of `seed`: what an
    /// output draws, on a stream of its own so that it never depends on how long training drew
    /// from "prior".
    public static func draws(_ prior: PriorSpec, seed: UInt64, stream: String, count: Int) -> [Float] {
        var sampler = PriorSampler(prior: prior, seed: seed)
        sampler.stream = RandomStream(seed: seed, name: stream)
        var values = [Float](repeating: 0, count: count * prior.dimension)
        values.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { sampler.sample(into: base, batch: count) }
        }
        return values
    }

    /// Fills `buffer` with `batch` samples, row after row.
    public mutating func sample(into buffer: UnsafeMutablePointer<Float>, batch: Int) {
        guard case .parts(let parts) = prior else { return sample(prior, into: buffer, rows: 0..<batch) }
        // Row by row, each part in turn: a row's draws do not depend on the batch's size.
        let width = prior.dimension
        for row in 0..<batch {
            var offset = 0
            for part in parts {
                sample(part.prior, into: buffer + row * width + offset, rows: row..<(row + 1))
                offset += part.prior.dimension
            }
        }
    }

    /// Fills packed samples of a prior of one kind for the batch's rows `rows` (whose labels a
    /// `by_label` mixture reads), the first at `buffer`.
    private mutating func sample(_ prior: PriorSpec, into buffer: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        let count = rows.count * prior.dimension
        switch prior {
        case .normal(_, let mean, let std):
            stream.fillNormal(buffer: buffer, count: count, mean: Float(mean), std: Float(std))
        case .uniform(_, let low, let high):
            stream.fillUniform(buffer: buffer, count: count, lower: Float(low), upper: Float(high))
        case .mixture(let modes, let radius, let std, let byLabel):
            for (index, row) in rows.enumerated() {
                let mode = byLabel && row < labels.count ? Int(labels[row]) % modes : stream.nextInt(below: modes)
                let angle = 2 * Double.pi * Double(mode) / Double(modes)
                let (a, b) = stream.nextNormalPair()
                buffer[2 * index] = Float(radius * cos(angle) + std * a)
                buffer[2 * index + 1] = Float(radius * sin(angle) + std * b)
            }
        case .categorical(let classes):
            buffer.update(repeating: 0, count: count)
            for index in 0..<rows.count { buffer[index * classes + stream.nextInt(below: classes)] = 1 }
        case .parts:
            preconditionFailure("a prior's parts are each of one kind")
        }
    }
}
