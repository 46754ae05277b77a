import Data
import Foundation
import Graph
import Kernels
import Spec
import RunFolder

/// Progress of one training step, for the terminal.
public struct StepProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var batch: Int
    public var batches: Int
    public var imagesPerSecond: Double
    public var secondsLeft: Double
    /// The latest loss of each phase, in schedule order.
    public var losses: [(phase: String, value: Double)]
}

/// Per-epoch results: each phase's mean loss and the reconstruction MSE of every split.
public struct EpochMetrics: Sendable {
    public var epoch: Int
    public var losses: [(phase: String, value: Double)]
    /// What the evaluation measured, in the order measured (`Metric.evaluationOrder`).
    public var values: [(metric: Metric, value: Double)] = []

    /// The value of `metric`, if this evaluation measured it.
    public subscript(metric: Metric) -> Double? { values.first { $0.metric == metric }?.value }

    /// The reconstruction MSE of each split measured.
    public var splitMSE: [(split: Split, value: Double)] {
        values.compactMap { entry in
            guard entry.metric.measure == .mse, let split = entry.metric.split else { return nil }
            return (split, entry.value)
        }
    }
}

/// How a training run ended.
public enum TrainingOutcome: Sendable, Equatable {
    case complete
    case interrupted(epoch: Int)
    /// A loss became NaN or infinite: which phase, at which step.
    case failed(String)
    /// Stopped at a rung by the study's pruning rule (`RungJudge`): why.
    case pruned(String)
}

/// Runs a checked spec's schedule over the data: every batch through every phase in order, the
/// splits evaluated after the epochs `train.evaluate` asks for. Owns the parameters, the phases' programs and the streams.
public final class Trainer {
    public let checked: CheckedSpec
    public let data: ExperimentData
    public let store: ParameterStore
    /// What every plan of this run hands its kernels (`ArithmeticSetup.context`): the trainer's
    /// phases, its evaluators and the outputs' networks are planned with it.
    public let context: ExecutionContext
    let phases: [PhaseProgram]
    /// The reconstruction's reader, which also draws the reconstructions a report shows.
    let evaluator: Evaluator?
    /// What every evaluation measures, by the programs whose passes they read.
    let readers: [SplitReader]
    /// Images (and the probe's prior samples) passed forward by this process's evaluations:
    /// run.json's `evaluation_passes`.
    var evaluationPasses = 0
    /// `train.early_stop`, when the spec asks for it.
    let earlyStopping: EarlyStopping?
    /// A study trial's pruning rule and its name among the study's trials (its folder's).
    public var rungJudge: (judge: RungJudge, trial: String)?
    /// Set when the pruning rule stopped training after the last epoch: why.
    private(set) var prunedReason: String?
    var sampler: PriorSampler?
    var shuffle: RandomStream
    let batchBuffer: FloatBuffer
    /// The batches of `batches: labeled` phases, and the buffer they are written to.
    var labeledBatches: LabeledSubset.Batches?
    let labeledBuffer: FloatBuffer?
    public private(set) var step = 0
    public private(set) var epochsDone = 0
    /// Each term's running sum and count since the last step record, for phases whose loss has
    /// more than one term, keyed `phase.term` (`elbo.kl_normal`), in first-seen order.
    var termWindow: [(key: String, sum: Double, count: Int)] = []
    /// Per phase, the updates its `when:` held back this epoch (the epoch record reports them).
    var skippedUpdates: [Int] = []
    /// Judges the adversary after each epoch, for adversarial specs.
    var discriminatorProbe: DiscriminatorProbe?
    /// Writes the checkpoint (the run sets it), after the epochs `checkpoints` says.
    var epochCheckpoint: () throws -> Void = {}
    var checkpoints: WriteSchedule
    /// What is measured after which epochs.
    let evaluation: EvaluationPlan
    /// The splits measured once after training (`train.evaluate.final`), once measured; restored
    /// from metrics.jsonl on resume, so that a resumed finished run does not measure them again.
    var finalMetrics: EpochMetrics?
    /// Where the time goes: evaluation and checkpoints are counted apart from the steps.
    var clock = StageClock()

    /// Continues from a checkpoint's position.
    func restoreProgress(epochsDone: Int, step: Int) {
        self.epochsDone = epochsDone
        self.step = step
        checkpoints.restored(epoch: epochsDone)
    }

    public init(checked: CheckedSpec, data: ExperimentData, context: ExecutionContext) throws {
        self.context = context
        let spec = checked.spec, model = checked.model
        self.checked = checked
        self.data = data
        let store = ParameterStore(model: model, spec: spec, seed: spec.seed)
        let capacity = spec.train.batchSize
        let batchBuffer = FloatBuffer(count: capacity * (model.dataShape?.elementCount ?? 0))
        let labeledPhases = spec.phases.contains { $0.batches == .labeled }
        let labeledBuffer = labeledPhases ? FloatBuffer(count: batchBuffer.count) : nil
        phases = try spec.phases.map {
            try PhaseProgram(
                phase: $0, model: model, store: store, capacity: capacity, seed: spec.seed,
                data: $0.batches == .labeled ? labeledBuffer : batchBuffer, context: context)
        }
        if labeledPhases {
            labeledBatches = LabeledSubset.Batches(
                images: data.labeledTrain ?? Array(0..<data.train.count), batchSize: capacity, seed: spec.seed)
        }
        self.labeledBuffer = labeledBuffer
        // A copied pass must come from this very step and weights: not with a phase that skips
        // batches (`every`) or runs several times on one (`repeat`).
        if spec.phases.allSatisfy({ $0.repeats == 1 && $0.every == 1 }) { PhaseProgram.shareForwardPasses(phases) }
        let measured = try LossEvaluator.make(spec, model: model, store: store, capacity: capacity, context: context)
        evaluator = try Evaluator.make(
            model, store: store, capacity: capacity, seed: spec.seed, measured: measured, context: context)
        earlyStopping = spec.train.earlyStop.map { EarlyStopping($0, store: store) }
        let classifier = try ClassifierEvaluator.make(
            model, store: store, capacity: capacity, seed: spec.seed, measured: measured, context: context)
        readers = [evaluator?.reader, measured?.reader, classifier?.reader].compactMap { $0 }
        let batches = (data.train.count + capacity - 1) / capacity
        // A schedule counts the phase's own updates: `repeat` times per batch it runs on.
        for (phase, phaseSpec) in zip(phases, spec.phases) {
            let perEpoch = max(batches / phaseSpec.every * phaseSpec.repeats, 1)
            phase.optimizer.stepsPerEpoch = perEpoch
            phase.optimizer.totalSteps = perEpoch * spec.train.epochs
        }
        self.store = store
        self.batchBuffer = batchBuffer
        evaluation = EvaluationPlan(spec, model: model, available: data.available)
        checkpoints = WriteSchedule(spec.train.checkpointEvery)
        discriminatorProbe = nil
        sampler = spec.prior.map { PriorSampler(prior: $0, seed: spec.seed) }
        shuffle = RandomStream(seed: spec.seed, name: "shuffle")
        discriminatorProbe = try DiscriminatorProbe.make(self)
        preparePrimitives()
    }

    /// Has every plan make, now, the convolution primitives of the last (partial) batches it will
    /// run: the training phases the training split's (and the labelled subset's batch), the
    /// evaluators each split's. Only plans on oneDNN have any to make.
    private func preparePrimitives() {
        let capacity = checked.spec.train.batchSize
        var training: Set<Int> = [data.train.count % capacity]
        if let labeled = labeledBatches { training.insert(labeled.batchSize) }
        for phase in phases { phase.preparePrimitives(forBatches: training) }
        let splits = Set(Split.allCases.compactMap { data.split($0).map { $0.count % capacity } })
        for program in readers.map(\.program) { program.preparePrimitives(forBatches: splits) }
    }

    /// Trains the remaining epochs. `record` receives each metrics record as it is made; `progress`
    /// each step; `stopRequested` is polled between batches (Ctrl-C).
    public func train(
        record: (MetricsRecord) throws -> Void, progress: (StepProgress) -> Void, epochEnded: (EpochMetrics) -> Void,
        stopRequested: () -> Bool
    ) throws -> TrainingOutcome {
        let train = checked.spec.train
        let count = data.train.count
        let batches = (count + train.batchSize - 1) / train.batchSize
        let logInterval = train.logEvery.steps(totalSteps: train.epochs * batches)
        let started = Date()
        var imagesSeen = 0
        while epochsDone < train.epochs, earlyStopping?.exhausted != true {
            var order = Array(0..<count)
            if train.shuffle {
                order.withUnsafeMutableBufferPointer { shuffle.shuffle(buffer: $0.baseAddress!, count: count) }
            }
            var window = PhaseMeans(phases.count), epochMeans = PhaseMeans(phases.count)
            let prefetcher = startPrefetcher(order)
            defer { prefetcher?.stop() }
            skippedUpdates = Array(repeating: 0, count: phases.count)
            for batch in 0..<batches {
                if stopRequested() { return .interrupted(epoch: epochsDone) }
                let indices = order[(batch * train.batchSize)..<min((batch + 1) * train.batchSize, count)]
                try loadBatch(batch, indices, from: prefetcher)
                step += 1
                let epoch = Double(epochsDone) + Double(batch) / Double(batches)
                let losses: [(phase: Int, loss: Double)]
                switch runPhases(indices, epoch: epoch) {
                case .success(let values): losses = values
                case .failure(let failure):
                    return .failed(
                        "\(failure.description) at step \(step) (epoch \(epochsDone + 1), batch \(batch + 1))")
                }
                for (index, loss) in losses {
                    window.add(loss, to: index)
                    epochMeans.add(loss, to: index)
                }
                imagesSeen += indices.count
                if step % logInterval == 0 {
                    try record(stepRecord(window.means))
                    window = PhaseMeans(phases.count)
                }
                let elapsed = max(Date().timeIntervalSince(started), 1e-9)
                let rate = Double(imagesSeen) / elapsed
                let left = Double((train.epochs - epochsDone) * count - (batch + 1) * train.batchSize) / rate
                progress(
                    StepProgress(
                        epoch: epochsDone + 1, epochs: train.epochs, batch: batch + 1, batches: batches,
                        imagesPerSecond: rate, secondsLeft: max(left, 0),
                        losses: losses.map { (phases[$0.phase].name, $0.loss) }))
            }
            epochsDone += 1
            try finishEpoch(epochMeans, record: record, epochEnded: epochEnded)
            if let prunedReason { return .pruned(prunedReason) }
        }
        try finishTraining(record: record)
        return .complete
    }

    /// After an epoch's last batch: evaluates it when due, records it, and writes the checkpoint
    /// when due.
    private func finishEpoch(
        _ epochMeans: PhaseMeans, record: (MetricsRecord) throws -> Void, epochEnded: (EpochMetrics) -> Void
    ) throws {
        let evaluated = evaluation.evaluates(afterEpoch: epochsDone)
        let metrics = try clock.measure(.evaluation) {
            try evaluate(epochMeans.means, splits: evaluated ? evaluation.splits : [], probe: evaluated)
        }
        if evaluated { try earlyStopping?.observe(metrics) }
        try record(epochRecord(metrics))
        epochEnded(metrics)
        if let (judge, trial) = rungJudge {
            prunedReason = try judge.verdict(
                trial: trial, epoch: epochsDone, epochs: checked.spec.train.epochs, metrics: metrics)
        }
        let last = epochsDone >= checked.spec.train.epochs || earlyStopping?.exhausted == true || prunedReason != nil
        if checkpoints.isDue(afterEpoch: epochsDone, last: last) { try writeCheckpoint() }
    }

    /// After the last epoch: the best epoch's parameters back in place (with early stopping), and
    /// the splits measured once after training.
    private func finishTraining(record: (MetricsRecord) throws -> Void) throws {
        // The outputs and the final checkpoint hold the best epoch's parameters.
        if let earlyStopping, earlyStopping.bestEpoch != epochsDone {
            earlyStopping.restoreBest()
            try writeCheckpoint()
        }
        if finalMetrics == nil, !evaluation.final.isEmpty {
            let metrics = try clock.measure(.evaluation) {
                try evaluate([], splits: evaluation.final, probe: false)
            }
            try record(finalRecord(metrics))
            finalMetrics = metrics
        }
    }

    func writeCheckpoint() throws {
        try clock.measure(.checkpoints) { try checkpoints.write(epoch: epochsDone) { try epochCheckpoint() } }
    }

    /// Runs every phase due at this step on the batch in `batchBuffer` (`indices` give its labels):
    /// each phase `repeats` times, on every `every`-th step. Returns each run phase's mean loss.
    func runPhases(_ indices: ArraySlice<Int>, epoch: Double) -> Result<[(phase: Int, loss: Double)], RunError> {
        if checked.spec.train.updates == .together { return runPhasesTogether(indices, epoch: epoch) }
        var losses: [(phase: Int, loss: Double)] = []
        if sampler?.prior.followsLabels == true { sampler?.labels = indices.map { data.train.labels[$0] } }
        for (index, (phase, spec)) in zip(phases, checked.spec.phases).enumerated() where step % spec.every == 0 {
            phase.epoch = epoch
            var indices = indices
            if spec.batches == .labeled, let buffer = labeledBuffer, labeledBatches != nil {
                indices = labeledBatches!.batch(number: step / spec.every - 1)
                do {
                    try data.train.writeBatch(
                        indices, scale: 1 / 255,
                        into: UnsafeMutableBufferPointer(start: buffer.pointer, count: buffer.count))
                } catch {
                    return .failure(RunError("phase '\(phase.name)' could not read its labelled batch: \(error)"))
                }
            }
            if let labels = phase.labels { data.train.writeLabels(indices, into: labels.pointer) }
            var total = 0.0
            for _ in 0..<spec.repeats {
                let loss = phase.step(batch: indices.count, sampler: &sampler)
                guard loss.isFinite else {
                    return .failure(RunError("the loss of phase '\(phase.name)' became \(loss)"))
                }
                total += loss
                if !phase.updatedLastStep { skippedUpdates[index] += 1 }
                noteTerms(of: phase)
            }
            losses.append((index, total / Double(spec.repeats)))
        }
        return .success(losses)
    }

    /// Adds the terms of `phase`'s last step to `termWindow`, when its loss has more than one.
    func noteTerms(of phase: PhaseProgram) {
        guard phase.plan.termNames.count > 1 else { return }
        for (name, value) in zip(phase.plan.termNames, phase.lastTermContributions) {
            let key = "\(phase.name).\(name)"
            if let index = termWindow.firstIndex(where: { $0.key == key }) {
                termWindow[index].sum += value
                termWindow[index].count += 1
            } else {
                termWindow.append((key, value, 1))
            }
        }
    }

    /// A `metrics.jsonl` step record of each phase's mean loss since the last (phases that did not
    /// run in the window are left out), and of each term of a phase with several; it empties the
    /// term window.
    func stepRecord(_ means: [Double?]) -> MetricsRecord {
        var record = MetricsRecord(.step, step: step, epoch: epochsDone + 1)
        for (name, mean) in zip(phases.map(\.name), means) { record.losses[name] = mean }
        record.terms = Dictionary(uniqueKeysWithValues: termWindow.map { ($0.key, $0.sum / Double($0.count)) })
        termWindow = []
        return record
    }

    /// The reconstructions of `indices` of `split` by the reconstruction chain, if the spec has one.
    public func reconstructions(of split: LabeledImages, _ indices: [Int]) throws -> [Float]? {
        try evaluator?.reconstruct(split, indices)
    }

    /// A 64-bit FNV-1a digest of every tensor's bytes, in parameter order: equal digests, equal weights.
    /// Each buffer is digested where it lies: a copy of them all is as large as the model and
    /// could fail to allocate where training fitted.
    public var parameterDigest: String {
        digest(
            parts: store.parameters.map { UnsafeRawBufferPointer(start: $0.value.pointer, count: $0.value.count * 4) })
    }
}

/// Running means of each phase's loss over the steps it ran in.
struct PhaseMeans {
    var sums: [Double]
    var counts: [Int]

    init(_ phases: Int) {
        sums = Array(repeating: 0, count: phases)
        counts = Array(repeating: 0, count: phases)
    }

    mutating func add(_ loss: Double, to phase: Int) {
        sums[phase] += loss
        counts[phase] += 1
    }

    /// Each phase's mean, nil where it did not run.
    var means: [Double?] { zip(sums, counts).map { $1 > 0 ? $0 / Double($1) : nil } }
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
