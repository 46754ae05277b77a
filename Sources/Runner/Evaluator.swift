import Data
import Graph
import Kernels
import Spec

/// Runs the reconstruction chain forward in evaluation mode over whole splits: the per-pixel
/// reconstruction MSE of every split each epoch, and the reconstructions a report shows.
final class Evaluator {
    /// The networks that take `x` to its reconstruction, innermost first (`[encoder, decoder]`).
    let chain: [String]
    let program: PhaseProgram
    /// The plan value holding the chain's output.
    let outputValue: Int
    let sampleCount: Int

    /// The chain of the first loss term of the form `loss(net(…(x)), x)`: the reconstruction; nil
    /// when no phase reconstructs its input.
    static func reconstructionChain(_ model: ModelSummary) -> [String]? {
        for phase in model.phases {
            let loss = phase.resolved
            for term in loss.lossTerms {
                guard case .loss(_, let prediction, let target) = loss.nodes[term].operation,
                    loss.nodes[target].operation == .data, let chain = loss.chainOverData(prediction), !chain.isEmpty
                else { continue }
                return chain
            }
        }
        return nil
    }

    init(chain: [String], model: ModelSummary, store: ParameterStore, capacity: Int, seed: UInt64) throws {
        guard let shape = model.dataShape else { throw RunError("the shape of x is unknown: nothing to evaluate") }
        self.chain = chain
        program = PhaseProgram(
            applying: chain, over: .data(shape), model: model, store: store, capacity: capacity, seed: seed)
        guard let output = program.plan.output else { throw RunError("the evaluation plan computes nothing") }
        outputValue = output
        sampleCount = shape.elementCount
    }

    /// The mean per-pixel squared error of the chain over every image of `split`.
    func meanSquaredError(_ split: LabeledImages) throws -> Double {
        guard let data = program.data else { return 0 }
        var total = 0.0
        for start in stride(from: 0, to: split.count, by: program.capacity) {
            let indices = start..<min(start + program.capacity, split.count)
            try fill(split, Array(indices)[...])
            program.forward(batch: indices.count)
            let error = lossForward(
                kind: .mse, prediction: program.output(ofValue: outputValue), target: .buffer(data.pointer),
                count: indices.count * sampleCount)
            total += Double(error) * Double(indices.count)
        }
        return total / Double(max(split.count, 1))
    }

    /// The chain's outputs for the images at `indices`, row after row, a batch at a time.
    func reconstruct(_ split: LabeledImages, _ indices: [Int]) throws -> [Float] {
        var outputs: [Float] = []
        outputs.reserveCapacity(indices.count * sampleCount)
        for start in stride(from: 0, to: indices.count, by: program.capacity) {
            let batch = indices[start..<min(start + program.capacity, indices.count)]
            try fill(split, batch)
            program.forward(batch: batch.count)
            outputs += UnsafeBufferPointer(
                start: program.output(ofValue: outputValue), count: batch.count * sampleCount)
        }
        return outputs
    }

    private func fill(_ split: LabeledImages, _ indices: ArraySlice<Int>) throws {
        guard let data = program.data else { return }
        try split.writeBatch(
            indices, scale: 1 / 255, into: UnsafeMutableBufferPointer(start: data.pointer, count: data.count))
    }
}
