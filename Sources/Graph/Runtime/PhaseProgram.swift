import Kernels
import Spec

/// A phase planned once for a batch capacity: every buffer allocated, every gradient flag set, ready to
/// run step after step without allocating. A smaller batch (the last of an epoch) uses a prefix of
/// each buffer.
public final class PhaseProgram: @unchecked Sendable {
    public let name: String
    public let plan: PhasePlan
    public let capacity: Int
    public let optimizer: PhaseOptimizer
    /// The data batch `x`, filled by the caller before each step (nil when the loss does not use x).
    public let data: FloatBuffer?
    /// The prior batch `z` (nil when the loss does not use z).
    public let prior: FloatBuffer?
    /// The labels `y` of the data batch, one class index per sample, filled by the caller (nil when
    /// the loss does not use y).
    public let labels: FloatBuffer?
    /// Masks for dropout layers, from the phase's own stream.
    public var dropout: RandomStream
    /// What `sample_normal`, `noise` and `mask` draw, from the phase's own stream.
    public var noise: RandomStream
    /// How far training has got, in epochs (fractional): what schedules such as `ramp` follow.
    public var epoch = 0.0
    /// The loss of the last `forward`.
    public internal(set) var loss = 0.0
    /// Which phases update at this step, for `updated(…)` factors (empty: all).
    public var phaseUpdates: [Bool] = []
    /// The networks whose weights this phase trains.
    public let updatedNetworks: Set<String>
    /// Whether it trains on batches of its own (`batches: labeled`), so that no pass of another
    /// phase, computed on other images, can stand in for one of its own.
    public var ownBatches = false
    /// `when:`: decides after the forward pass whether the step updates (nil: every step does).
    public internal(set) var gate: UpdateGate?
    /// Whether the last `step` updated the weights (false when its gate held the update back).
    public internal(set) var updatedLastStep = true
    /// Per run: its output is copied from an earlier phase's instead of computed (`shareForwardPasses`).
    var copiedRuns: [Bool]
    /// The copies `forward` makes first, per sample: from an earlier phase's buffer into this one's.
    var copies: [ForwardCopy] = []

    private var runs: [LayerRun]
    private var functionRuns: [FunctionRun]
    private let losses: [LossRun]
    private var termRuns: [TermRun]
    /// Every buffer the plan allocated, kept alive as long as the program runs.
    private let storage: [FloatBuffer]
    private let doubleStorage: [DoubleBuffer]
    private let valueStorage: [FloatBuffer?]
    private(set) var termValues: [Double]
    /// Each term of the last `forward` with its constant factor (`784 * bce_logits(…)` counts 784
    /// times the mean), a schedule counted at its end value so that a warm-up does not hide the
    /// term, a term inside `abs` at its own sign: what the term curves show, in the order of
    /// `plan.termNames`.
    public var lastTermContributions: [Double] {
        var weights = Array(repeating: 0.0, count: termValues.count)
        plan.total.propagate(1, termValues, epoch: .infinity, updates: phaseUpdates, shown: true, into: &weights)
        return zip(weights, termValues).map { $0 * $1 }
    }
    private var batch = 0
    /// Gradients of trained tensors that no backward step writes (zeroed each step rather than left
    /// stale); every other gradient is overwritten by its first writer.
    let unwrittenGradients: [FloatBuffer]
    /// The optimizer's tensors no backward run writes, updated after backward.
    private let leftoverTensors: [Int]

    /// One non-view layer application with its buffers.
    struct LayerRun {
        var layer: any Layer
        var buffers: LayerBuffers
        var runsBackward: Bool
        /// `encoder layer 0`, for people.
        var place: String
        /// The optimizer's tensors whose gradients are complete once this run's backward is done
        /// (this is the last application of their layer in backward order).
        var completes: [Int] = []
        /// The rows of its input (`PhasePlan.Value.rows`).
        var rows = RowCount.perSample(1)
    }

    /// What computes each convolution and dense layer's products, for `runexp bench` and tests:
    /// `encoder layer 0 (Conv2D): oneDNN convolution`.
    public var productServers: [String] {
        runs.compactMap { run in
            PhaseProgram.productServer(run.layer, run.buffers).map { "\(run.place) (\(type(of: run.layer))): \($0)" }
        }
    }

    /// Creates, now, the oneDNN primitives each convolution of the plan needs for batches of each
    /// of `batches` samples (the last, partial batch of each split the caller will run), so that no
    /// step creates them; the full capacity has its own from planning.
    public func preparePrimitives(forBatches batches: Set<Int>) {
        for run in runs {
            guard let convolution = run.buffers.convolution else { continue }
            for batch in batches.sorted() where batch > 0 && batch < capacity {
                convolution.prepare(batch: run.rows.count(batch: batch))
            }
        }
    }

    /// What computes a layer application's products; nil for a layer without any.
    static func productServer(_ layer: any Layer, _ buffers: LayerBuffers) -> String? {
        let library = buffers.context.library.rawValue
        if buffers.convolution != nil { return "oneDNN convolution" }
        if layer is Conv2D || layer is Conv2DTranspose { return "im2col + \(library) GEMM" }
        if layer is Dense { return "\(library) GEMM" }
        return nil
    }

    /// Each convolution and dense application's products in this program's step at full capacity,
    /// with the time its counter holds (programs planned with a `StepTiming`).
    public var layerProducts: [LayerProducts] {
        runs.indices.compactMap { index in
            let run = runs[index], b = run.buffers
            guard let server = PhaseProgram.productServer(run.layer, b), let clock = b.gemmClock else { return nil }
            let forward = run.layer.flops(input: b.inputShape, output: b.outputShape) * capacity
            var passes = copiedRuns[index] ? 0 : 1
            if run.runsBackward {
                passes += (b.dInput != nil ? 1 : 0) + (b.gradients != nil ? 1 : 0)
            }
            return LayerProducts(
                place: "\(run.place) (\(type(of: run.layer)))", server: server, flops: forward * passes,
                nanoseconds: clock.pointee)
        }
    }

    /// One batch function application with its buffers; it runs before layer run `beforeRun`.
    struct FunctionRun {
        var function: any BatchFunction
        var buffers: FunctionBuffers
        var runsBackward: Bool
        var beforeRun: Int
        /// The rows of its output.
        var rows: RowCount
    }

    /// One term function with its buffers; `index` is its place among the plan's terms.
    struct TermRun {
        var index: Int
        var function: any TermFunction
        var buffers: TermBuffers
        /// The rows of its inputs.
        var rows: RowCount
    }

    /// One loss term with its buffers and where its gradients go.
    struct LossRun {
        /// Its place among the plan's terms.
        var index: Int
        var term: PhasePlan.LossTerm
        var count: Int
        /// The rows of the prediction and the target.
        var rows: RowCount
        var prediction: UnsafeMutablePointer<Float>
        var target: UnsafeMutablePointer<Float>?
        var dPrediction: (UnsafeMutablePointer<Float>, accumulate: Bool)?
        var dTarget: (UnsafeMutablePointer<Float>, accumulate: Bool)?
    }

    /// Plans `phase` for batches of up to `capacity` samples, training in `training` mode; `model`
    /// holds its resolved loss.
    ///
    /// - Parameter data: the shared buffer the caller fills with `x`; allocated here when nil.
    /// - Parameter fusingActivations: see `PhasePlan`; off only to test that fusing changes no bits.
    /// - Parameter context: what every kernel of the phase runs with (the library its products run
    ///   on, the threads its elementwise work splits across), captured here once for the plan.
    /// - Parameter timing: counters for `runexp bench`'s breakdown of a step.
    public convenience init(
        phase: PhaseSpec, model: ModelSummary, store: ParameterStore, capacity: Int, seed: UInt64,
        data: FloatBuffer? = nil, training: Bool = true, fusingActivations: Bool = true, context: ExecutionContext,
        timing: StepTiming? = nil
    ) throws {
        guard let summary = model.phase(named: phase.name) else {
            throw Diagnostic(phase.origin, "phase '\(phase.name)' was not resolved with the model")
        }
        let updated = phase.update.map(\.name)
        self.init(
            name: phase.name,
            plan: PhasePlan(
                loss: summary.resolved, updated: updated, model: model, fusingActivations: fusingActivations),
            updated: updated, optimizer: phase.optimizer, schedule: phase.schedule, store: store, capacity: capacity,
            seed: seed, data: data,
            training: training, context: context, timing: timing)
        ownBatches = phase.batches != .all
        if let condition = phase.condition {
            guard let gate = UpdateGate(condition, plan: plan) else {
                throw Diagnostic(
                    phase.origin, "phase '\(phase.name)''s when: compares a value its loss does not compute")
            }
            self.gate = gate
        }
    }

    /// Plans the forward pass of `networks` (innermost first) over `input` for batches of up to
    /// `capacity` samples, in evaluation mode (no dropout; batch norm's running statistics): the
    /// one way evaluation and the outputs run networks. It trains nothing and has no loss; fill
    /// `data` or `prior`, call `forward`, read `output(ofValue: plan.output!)`.
    public convenience init(
        applying networks: [String], over input: PhasePlan.ChainInput, model: ModelSummary, store: ParameterStore,
        capacity: Int, seed: UInt64, context: ExecutionContext
    ) {
        self.init(
            name: "apply " + networks.joined(separator: "∘"),
            plan: PhasePlan(chain: networks, over: input, model: model), updated: [],
            optimizer: .sgd(lr: 0, momentum: 0, weightDecay: 0), store: store, capacity: capacity, seed: seed,
            data: nil, training: false, context: context, timing: nil)
    }

    /// Plans the forward pass that computes `node` of `loss` (a batch) in evaluation mode: how
    /// evaluation runs a reconstruction that is more than a chain of networks. Fill `data` (and
    /// `labels`), call `forward`, read `output(ofValue: plan.output!)`.
    public convenience init(
        computing node: Int, of loss: ResolvedLoss, model: ModelSummary, store: ParameterStore, capacity: Int,
        seed: UInt64, context: ExecutionContext
    ) {
        self.init(
            name: "evaluate " + loss.nodes[node].text, plan: PhasePlan(computing: node, of: loss, model: model),
            updated: [], optimizer: .sgd(lr: 0, momentum: 0, weightDecay: 0), store: store, capacity: capacity,
            seed: seed, data: nil, training: false, context: context, timing: nil)
    }

    init(
        name: String, plan: PhasePlan, updated: [String], optimizer spec: OptimizerSpec,
        schedule: OptimizerSchedule = OptimizerSchedule(), store: ParameterStore,
        capacity: Int, seed: UInt64, data: FloatBuffer?, training: Bool, context: ExecutionContext, timing: StepTiming?
    ) {
        self.name = name
        self.plan = plan
        updatedNetworks = Set(updated)
        self.capacity = capacity
        optimizer = PhaseOptimizer(
            spec: spec, schedule: schedule, parameters: store.trainable(in: updated), context: context,
            timing: timing)
        dropout = RandomStream(seed: seed, name: "dropout/\(name)")
        noise = RandomStream(seed: seed, name: "noise/\(name)")
        termValues = Array(repeating: 0, count: plan.terms.count)
        var allocator = Allocator(plan: plan, capacity: capacity, context: context)
        allocator.timing = timing
        if let index = plan.data {
            allocator.values[index] = data ?? FloatBuffer(count: capacity * plan.values[index].shape.elementCount)
        }
        self.data = plan.data.map { allocator.values[$0]! }
        self.prior = plan.prior.map { allocator.value($0) }
        labels = plan.labels.map { allocator.value($0) }
        losses = allocator.lossRuns()
        termRuns = allocator.termRuns(store: store)
        (runs, functionRuns) = allocator.layerRuns(store: store, training: training)
        copiedRuns = Array(repeating: false, count: runs.count)
        leftoverTensors = Self.assignCompletions(&runs, optimizer: optimizer)
        let trained = optimizer.parameters
        unwrittenGradients = leftoverTensors.compactMap { trained[$0].gradient }
        storage = allocator.owned + [allocator.dummy]
        doubleStorage = allocator.doubles + [allocator.noDoubles]
        valueStorage = allocator.values
    }

    /// Draws `batch` samples of `z` from `sampler` (call before `forward` when the loss uses z).
    public func samplePrior(batch: Int, sampler: inout PriorSampler) {
        guard let prior else { return }
        sampler.sample(into: prior.pointer, batch: batch)
    }

    /// Computes every layer and the loss for the first `batch` samples; returns the loss.
    @discardableResult
    public func forward(batch: Int) -> Double {
        precondition(batch > 0 && batch <= capacity, "batch \(batch) outside 1…\(capacity)")
        self.batch = batch
        for copy in copies {
            copy.destination.update(from: copy.source, count: batch * copy.floatsPerSample)
        }
        var next = 0
        for index in runs.indices {
            while next < functionRuns.count, functionRuns[next].beforeRun <= index {
                runFunction(next)
                next += 1
            }
            runs[index].buffers.batch = runs[index].rows.count(batch: batch)
            if !copiedRuns[index] { runs[index].layer.forward(runs[index].buffers, random: &dropout) }
        }
        while next < functionRuns.count {
            runFunction(next)
            next += 1
        }
        for loss in losses {
            let target: LossTarget = loss.target.map { .buffer($0) } ?? .constant(constantTarget(loss.term))
            var value = Double(
                lossForward(
                    kind: loss.term.kind, prediction: loss.prediction, target: target,
                    count: loss.rows.count(batch: batch) * loss.count))
            if loss.term.kind == .sse { value /= Double(loss.rows.count(batch: batch)) }
            termValues[loss.index] = value
        }
        for index in termRuns.indices {
            termRuns[index].buffers.batch = termRuns[index].rows.count(batch: batch)
            termValues[termRuns[index].index] = termRuns[index].function.forward(termRuns[index].buffers)
        }
        loss = plan.total.value(termValues, epoch: epoch, updates: phaseUpdates)
        return loss
    }

    private func runFunction(_ index: Int) {
        functionRuns[index].buffers.batch = functionRuns[index].rows.count(batch: batch)
        functionRuns[index].function.forward(functionRuns[index].buffers, random: &noise)
    }

    /// Marks in each run the optimizer tensors it completes: the forward-order first application
    /// of a layer is the last to write its gradients. Returns the tensors no run completes.
    static func assignCompletions(_ runs: inout [LayerRun], optimizer: PhaseOptimizer) -> [Int] {
        var remaining = Dictionary(
            optimizer.parameters.indices.compactMap { i in optimizer.parameters[i].gradient.map { ($0.pointer, i) } },
            uniquingKeysWith: { first, _ in first })
        for index in runs.indices where runs[index].runsBackward {
            for pointer in runs[index].buffers.gradients ?? [] {
                if let tensor = remaining.removeValue(forKey: pointer) { runs[index].completes.append(tensor) }
            }
        }
        return remaining.values.sorted()
    }

    /// Writes the gradients of the last `forward` into the trained tensors' gradient buffers: the
    /// first writer of each overwrites, later ones (a network applied twice) add.
    public func backward() { backward(updating: false) }

    /// Backward; with `updating`, each layer's tensors are updated by the optimizer as soon as their
    /// gradients are complete, while those gradients (and the weights the layer just read) are
    /// still in cache. Nothing later in backward reads them: earlier layers never use a later
    /// layer's weights, and this was the layer's last application.
    func backward(updating: Bool) {
        var weights = Array(repeating: 0.0, count: termValues.count)
        plan.total.propagate(1, termValues, epoch: epoch, updates: phaseUpdates, into: &weights)
        for loss in losses {
            let rows = loss.rows.count(batch: batch)
            let upstream = Float(loss.term.kind == .sse ? weights[loss.index] / Double(rows) : weights[loss.index])
            let count = rows * loss.count
            let target: LossTarget = loss.target.map { .buffer($0) } ?? .constant(constantTarget(loss.term))
            if let (gradient, accumulate) = loss.dPrediction {
                lossBackward(
                    dPrediction: gradient, prediction: loss.prediction, target: target, count: count,
                    kind: loss.term.kind, upstream: upstream, accumulate: accumulate, context: optimizer.context)
            }
            // Only for mse, sse and l1, whose derivative in the target is minus that in the prediction.
            if let (gradient, accumulate) = loss.dTarget, let targetValues = loss.target {
                lossBackward(
                    dPrediction: gradient, prediction: targetValues, target: .buffer(loss.prediction),
                    count: count, kind: loss.term.kind, upstream: upstream, accumulate: accumulate,
                    context: optimizer.context)
            }
        }
        for run in termRuns { run.function.backward(run.buffers, upstream: weights[run.index]) }
        var next = functionRuns.count - 1
        for index in runs.indices.reversed() {
            while next >= 0, functionRuns[next].beforeRun > index {
                if functionRuns[next].runsBackward { functionRuns[next].function.backward(functionRuns[next].buffers) }
                next -= 1
            }
            let run = runs[index]
            guard run.runsBackward else { continue }
            run.layer.backward(run.buffers)
            if updating && !run.completes.isEmpty { optimizer.update(run.completes) }
        }
        while next >= 0 {
            if functionRuns[next].runsBackward { functionRuns[next].function.backward(functionRuns[next].buffers) }
            next -= 1
        }
    }

    /// One training step on the first `batch` samples of `data`: forward, backward, optimizer update;
    /// the forward pass alone when the gate holds the update back.
    @discardableResult
    public func step(batch: Int, sampler: inout PriorSampler?) -> Double {
        let loss = forwardStep(batch: batch, sampler: &sampler)
        guard updatedLastStep else { return loss }
        for gradient in unwrittenGradients { gradient.zero() }
        optimizer.beginStep()
        if optimizer.updatesAfterBackward {
            backward(updating: false)
            optimizer.clipGradients()
            optimizer.update(Array(optimizer.parameters.indices))
        } else {
            backward(updating: true)
            optimizer.update(leftoverTensors)
        }
        return loss
    }

    private func constantTarget(_ term: PhasePlan.LossTerm) -> Float {
        if case .constant(let value) = term.target { return value }
        return 0
    }

    /// The storage of value `index` of the plan: its first `batch × shape` floats after `forward`.
    public func output(ofValue index: Int) -> UnsafeMutablePointer<Float> {
        valueStorage[plan.values[index].root]!.pointer
    }
}
