import Kernels
import Spec

/// A phase's optimizer: its settings and its own state (moments, step count) for the tensors it trains.
public final class PhaseOptimizer: @unchecked Sendable {
    public let spec: OptimizerSpec
    /// The learning-rate schedule, warm-up, clipping and decay style.
    public let schedule: OptimizerSchedule
    /// The run's length, which a cosine schedule spans, and an epoch's, which a step schedule counts.
    public var totalSteps = 1
    public var stepsPerEpoch = 1
    /// The trainable tensors of the networks the phase updates.
    public let parameters: [Parameter]
    /// Adam's first moments or SGD's momentum buffers, one per parameter.
    public let firstMoments: [FloatBuffer]
    /// Adam's second moments (empty for SGD).
    public let secondMoments: [FloatBuffer]
    /// Steps taken so far; the next step is `step + 1`.
    public private(set) var step = 0

    /// What a large update splits across: `context.threads` threads, on its library's.
    let context: ExecutionContext
    /// The bench's counters, when it is measuring.
    let timing: StepTiming?

    public init(
        spec: OptimizerSpec, schedule: OptimizerSchedule = OptimizerSchedule(), parameters: [Parameter],
        context: ExecutionContext = .serial, timing: StepTiming? = nil
    ) {
        self.spec = spec
        self.schedule = schedule
        self.parameters = parameters
        self.context = context
        self.timing = timing
        firstMoments = parameters.map { FloatBuffer(count: $0.value.count) }
        if case .adam = spec {
            secondMoments = parameters.map { FloatBuffer(count: $0.value.count) }
        } else {
            secondMoments = []
        }
    }

    /// Clears the gradients this optimizer reads, before a step's backward pass accumulates into them.
    public func zeroGradients() {
        for parameter in parameters { parameter.gradient?.zero() }
    }

    /// Applies one update from the accumulated gradients to every tensor.
    public func apply() {
        beginStep()
        update(Array(parameters.indices))
    }

    /// Starts the next update; `update` then applies it tensor by tensor as gradients complete.
    public func beginStep() { step += 1 }

    /// Whether updates must wait for every gradient of the step (clipping needs their global norm).
    public var updatesAfterBackward: Bool { schedule.clipNorm != nil }

    /// Scales every gradient so that their global L2 norm is at most `clip_norm`; returns the norm.
    @discardableResult
    public func clipGradients() -> Double {
        guard let limit = schedule.clipNorm else { return 0 }
        let squares = parameters.reduce(0.0) { total, parameter in
            guard let gradient = parameter.gradient else { return total }
            return total + Double(sumOfSquares(input: gradient.pointer, count: gradient.count))
        }
        let norm = squares.squareRoot()
        if norm > limit {
            let factor = Float(limit / norm)
            for gradient in parameters.compactMap(\.gradient) {
                scale(buffer: gradient.pointer, count: gradient.count, by: factor)
            }
        }
        return norm
    }

    /// The learning rate of the current step.
    public var currentRate: Double {
        let lr: Double
        switch spec {
        case .adam(let rate, _, _, _, _), .sgd(let rate, _, _): lr = rate
        }
        return schedule.rate(lr, step: max(step, 1), totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch)
    }

    /// Applies the current step's update to `parameters[i]` for each `i` in `indices`.
    ///
    /// The update is elementwise and memory-bound, so large tensors are split across `context.threads`
    /// (the BLAS threads, idle at this point of the step); the result does not depend on the split.
    public func update(_ indices: [Int]) {
        let start = timing == nil ? 0 : monotonicNanoseconds()
        defer { addElapsed(since: start, to: timing?.optimizerCounter) }
        let total = indices.reduce(0) { $0 + parameters[$1].value.count }
        let parts = total >= Self.parallelThreshold ? context.threads : 1
        let rate = Float(currentRate)
        forEachPart(parts: parts, on: context.library) { part in self.update(indices, rate: rate, part: part, of: parts)
        }
    }

    /// Below this many elements in all, splitting costs more than it saves.
    static let parallelThreshold = 1 << 16

    /// `parameter`'s weight decay: its network's own where the phase names one, else the optimizer's.
    private func decay(of parameter: Parameter, optimizer decay: Double) -> Float {
        Float(schedule.networkWeightDecay.first { $0.network == parameter.network }?.decay ?? decay)
    }

    private func update(_ indices: [Int], rate: Float, part: Int, of parts: Int) {
        for index in indices {
            let parameter = parameters[index]
            guard let gradient = parameter.gradient else { continue }
            let range = partRange(part: part, parts: parts, count: parameter.value.count)
            let (start, count) = (range.lowerBound, range.count)
            switch spec {
            case .adam(_, let beta1, let beta2, let epsilon, let decay):
                let configuration = AdamConfiguration(
                    learningRate: rate, beta1: Float(beta1), beta2: Float(beta2), epsilon: Float(epsilon),
                    weightDecay: self.decay(of: parameter, optimizer: decay),
                    decoupledWeightDecay: schedule.decoupledWeightDecay)
                adamStep(
                    parameter: parameter.value.pointer + start, firstMoment: firstMoments[index].pointer + start,
                    secondMoment: secondMoments[index].pointer + start, gradient: gradient.pointer + start,
                    count: count, configuration: configuration, step: step)
            case .sgd(_, let momentum, let decay):
                let configuration = SGDConfiguration(
                    learningRate: rate, momentum: Float(momentum), dampening: 0,
                    weightDecay: self.decay(of: parameter, optimizer: decay))
                sgdStep(
                    parameter: parameter.value.pointer + start, momentumBuffer: firstMoments[index].pointer + start,
                    gradient: gradient.pointer + start, count: count, configuration: configuration, step: step)
            }
        }
    }

    /// Bytes one update reads and writes: per trained element, the value and its gradient read and
    /// the value written, plus each moment buffer read and written (Adam 28 bytes, SGD with
    /// momentum 20, plain SGD 12). The bench divides it by the update's time: the update is bound
    /// by memory, so this rate says how far it is from the machine's.
    public var bytesPerUpdate: Int {
        let buffers: Int
        switch spec {
        case .adam: buffers = 2
        case .sgd(_, let momentum, _): buffers = momentum == 0 ? 0 : 1
        }
        let elements = parameters.reduce(0) { $0 + ($1.gradient == nil ? 0 : $1.value.count) }
        return elements * MemoryLayout<Float>.size * (3 + 2 * buffers)
    }

    /// Restores the step count when a run resumes from a checkpoint.
    public func restore(step: Int) { self.step = step }
}
