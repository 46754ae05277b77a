import Data
import Graph
import Kernels
import Spec

/// Runs a network chain forward in evaluation mode over whole splits: the per-pixel reconstruction
/// MSE of every split each epoch, and the reconstructions a report shows.
final class Evaluator {
    /// `decoder(encoder(x))`, as the phases wrote it.
    let chain: LossExpression
    let program: PhaseProgram
    /// The plan value holding the chain's output.
    let outputValue: Int
    let sampleCount: Int

    /// The first loss term of the form `loss(net(…(x)), x)` names the reconstruction; nil when no
    /// phase reconstructs its input.
    static func reconstructionChain(_ spec: ExperimentSpec) -> LossExpression? {
        for phase in spec.phases {
            for call in terms(phase.loss) {
                guard case .call(_, let arguments, _) = call, arguments.count == 2,
                    case .variable("x", _) = arguments[1], arguments[0].networksOverX?.isEmpty == false
                else { continue }
                return arguments[0]
            }
        }
        return nil
    }

    private static func terms(_ expression: LossExpression) -> [LossExpression] {
        switch expression {
        case .call(let name, _, _) where LossFunction(rawValue: name) != nil: return [expression]
        case .add(let a, let b, _), .subtract(let a, let b, _), .multiply(let a, let b, _): return terms(a) + terms(b)
        case .negate(let a, _): return terms(a)
        default: return []
        }
    }

    init(chain: LossExpression, model: ModelSummary, store: ParameterStore, capacity: Int, seed: UInt64) throws {
        self.chain = chain
        let origin = chain.origin
        let loss = LossExpression.call("mse", [chain, .variable("x", origin)], origin)
        let phase = PhaseSpec(
            name: "evaluation", loss: loss, lossText: loss.text, update: [],
            optimizer: .sgd(lr: 0, momentum: 0, weightDecay: 0), origin: origin)
        program = try PhaseProgram(
            phase: phase, model: model, store: store, capacity: capacity, priorDimension: nil,
            seed: seed, training: false)
        outputValue = program.plan.terms[0].prediction
        sampleCount = model.dataShape?.elementCount ?? 0
    }

    /// The mean per-pixel squared error of the chain over every image of `split`.
    func meanSquaredError(_ split: LabeledImages) throws -> Double {
        var total = 0.0
        for start in stride(from: 0, to: split.count, by: program.capacity) {
            let indices = start..<min(start + program.capacity, split.count)
            try fill(split, Array(indices)[...])
            total += program.forward(batch: indices.count) * Double(indices.count)
        }
        return total / Double(max(split.count, 1))
    }

    /// The chain's outputs for the images at `indices` (at most the capacity), row after row.
    func reconstruct(_ split: LabeledImages, _ indices: [Int]) throws -> [Float] {
        try fill(split, indices[...])
        program.forward(batch: indices.count)
        return Array(
            UnsafeBufferPointer(start: program.output(ofValue: outputValue), count: indices.count * sampleCount))
    }

    private func fill(_ split: LabeledImages, _ indices: ArraySlice<Int>) throws {
        guard let data = program.data else { return }
        try split.writeBatch(
            indices, scale: 1 / 255, into: UnsafeMutableBufferPointer(start: data.pointer, count: data.count))
    }
}

extension LossExpression {
    /// The networks this expression applies to `x`, innermost first: `decoder(encoder(x))` →
    /// `[encoder, decoder]`, `x` → `[]`; nil when it is anything else.
    var networksOverX: [String]? {
        switch self {
        case .variable("x", _): return []
        case .call(let name, let arguments, _) where arguments.count == 1 && LossFunction(rawValue: name) == nil:
            return arguments[0].networksOverX.map { $0 + [name] }
        default: return nil
        }
    }
}
