import Data
import Graph
import Kernels
import Spec
import RunFolder

extension PhaseProgram {
    /// Runs this (evaluation) program over the images of `split` at `indices`, a batch at a time:
    /// fills `x` (and `y` when the program reads labels), runs forward, then hands `body` the
    /// batch's indices. Random functions draw from one evaluation stream restarted here, and a loss
    /// that reads `z` from `prior` on another, so every pass over a split sees the same draws. The
    /// one way the evaluators read a split.
    func evaluate(
        _ split: LabeledImages, _ indices: [Int], seed: UInt64, prior: PriorSpec? = nil,
        _ body: (ArraySlice<Int>) throws -> Void
    ) throws {
        guard let data else { return }
        noise = RandomStream(seed: seed, name: "evaluation/noise")
        var sampler = prior.map { PriorSampler(prior: $0, seed: seed) }
        sampler?.stream = RandomStream(seed: seed, name: "evaluation/prior")
        for start in stride(from: 0, to: indices.count, by: capacity) {
            let batch = indices[start..<min(start + capacity, indices.count)]
            try split.writeBatch(
                batch, scale: 1 / 255, into: UnsafeMutableBufferPointer(start: data.pointer, count: data.count))
            if let labels { split.writeLabels(batch, into: labels.pointer) }
            if sampler != nil { samplePrior(batch: batch.count, sampler: &sampler!) }
            forward(batch: batch.count)
            try body(batch)
        }
    }

    /// The evaluation-mode program that gives `node` of phase `phase`'s loss, and the plan value
    /// holding it: `measured` (the measured phase's loss program) when `node` is a node of its loss,
    /// so one pass gives both; else a program computing `node` alone.
    static func reading(
        _ node: Int, phase: Int, measured: PhaseProgram?, model: ModelSummary, store: ParameterStore, capacity: Int,
        seed: UInt64, context: ExecutionContext
    ) throws -> (PhaseProgram, Int) {
        if let measured, EvaluationPlan.readsLossPass(phase: phase, model.roles),
            let value = measured.plan.nodeValues[node]
        {
            return (measured, value)
        }
        let program = PhaseProgram(
            computing: node, of: model.phases[phase].resolved, model: model, store: store, capacity: capacity,
            seed: seed, context: context)
        guard let value = program.plan.output else { throw RunError("the evaluation plan computes nothing") }
        return (program, value)
    }
}

/// One measure read from an evaluation program's forward pass over a split: after each batch's
/// forward, `tally` gives the batch's sum over its images (of squared error, loss, correct
/// answers); the measure is the split's sum over its images.
struct SplitReader {
    let measure: Metric.Measure
    let program: PhaseProgram
    let tally: (ArraySlice<Int>, LabeledImages) throws -> Double

    /// Each reader's measure of `split` (`epoch`: where schedules stand), passing the split forward
    /// once through each program the readers read: readers of one program share its pass. Adds the
    /// images passed forward to `passes`.
    static func measure(
        _ readers: [SplitReader], _ split: LabeledImages, epoch: Double, seed: UInt64, prior: PriorSpec?,
        passes: inout Int
    ) throws -> [Metric.Measure: Double] {
        var programs: [PhaseProgram] = []
        for reader in readers where !programs.contains(where: { $0 === reader.program }) {
            programs.append(reader.program)
        }
        var totals: [Metric.Measure: Double] = [:]
        for program in programs {
            let riders = readers.filter { $0.program === program }
            guard program.data != nil else { continue }
            program.epoch = epoch
            try program.evaluate(split, Array(0..<split.count), seed: seed, prior: prior) { batch in
                for reader in riders { totals[reader.measure, default: 0] += try reader.tally(batch, split) }
            }
            passes += split.count
        }
        return Dictionary(
            readers.map { ($0.measure, (totals[$0.measure] ?? 0) / Double(max(split.count, 1))) },
            uniquingKeysWith: { first, _ in first })
    }
}
