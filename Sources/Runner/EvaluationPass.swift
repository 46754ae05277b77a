import Data
import Graph
import Kernels

extension PhaseProgram {
    /// Runs this (evaluation) program over the images of `split` at `indices`, a batch at a time:
    /// fills `x` (and `y` when the program reads labels), runs forward, then hands `body` the
    /// batch's indices. Random functions draw from one evaluation stream restarted here, so every
    /// pass over a split sees the same draws. The one way the evaluators read a split.
    func evaluate(
        _ split: LabeledImages, _ indices: [Int], seed: UInt64, _ body: (ArraySlice<Int>) throws -> Void
    ) throws {
        guard let data else { return }
        noise = RandomStream(seed: seed, name: "evaluation/noise")
        for start in stride(from: 0, to: indices.count, by: capacity) {
            let batch = indices[start..<min(start + capacity, indices.count)]
            try split.writeBatch(
                batch, scale: 1 / 255, into: UnsafeMutableBufferPointer(start: data.pointer, count: data.count))
            if let labels { split.writeLabels(batch, into: labels.pointer) }
            forward(batch: batch.count)
            try body(batch)
        }
    }
}
