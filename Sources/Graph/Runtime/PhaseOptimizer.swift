import Kernels
import Spec

/// A phase's optimizer: its settings and its own state (moments, step count) for the tensors it trains.
public final class PhaseOptimizer: @unchecked Sendable {
    public let spec: OptimizerSpec
    /// The trainable tensors of the networks the phase updates.
    public let parameters: [Parameter]
    /// Adam's first moments or SGD's momentum buffers, one per parameter.
    public let firstMoments: [FloatBuffer]
    /// Adam's second moments (empty for SGD).
    public let secondMoments: [FloatBuffer]
    /// Steps taken so far; the next step is `step + 1`.
    public private(set) var step = 0

    /// Threads a large update splits across.
    let threads: Int
    /// The bench's counters, when it is measuring.
    let timing: StepTiming?

    public init(spec: OptimizerSpec, parameters: [Parameter], threads: Int = 1, timing: StepTiming? = nil) {
        self.spec = spec
        self.parameters = parameters
        self.threads = max(1, threads)
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

    /// Applies the current step's update to `parameters[i]` for each `i` in `indices`.
    ///
    /// The update is elementwise and memory-bound, so large tensors are split across `threads`
    /// (the BLAS threads, idle at this point of the step); the result does not depend on the split.
    public func update(_ indices: [Int]) {
        let start = timing == nil ? 0 : monotonicNanoseconds()
        defer { addElapsed(since: start, to: timing?.optimizerCounter) }
        let total = indices.reduce(0) { $0 + parameters[$1].value.count }
        let parts = total >= Self.parallelThreshold ? threads : 1
        forEachPart(parts: parts) { part in self.update(indices, part: part, of: parts) }
    }

    /// Below this many elements in all, splitting costs more than it saves.
    static let parallelThreshold = 1 << 16

    private func update(_ indices: [Int], part: Int, of parts: Int) {
        for index in indices {
            let parameter = parameters[index]
            guard let gradient = parameter.gradient else { continue }
            let range = partRange(part: part, parts: parts, count: parameter.value.count)
            let (start, count) = (range.lowerBound, range.count)
            switch spec {
            case .adam(let lr, let beta1, let beta2, let epsilon, let decay):
                let configuration = AdamConfiguration(
                    learningRate: Float(lr), beta1: Float(beta1), beta2: Float(beta2), epsilon: Float(epsilon),
                    weightDecay: Float(decay), decoupledWeightDecay: false)
                adamStep(
                    parameter: parameter.value.pointer + start, firstMoment: firstMoments[index].pointer + start,
                    secondMoment: secondMoments[index].pointer + start, gradient: gradient.pointer + start,
                    count: count, configuration: configuration, step: step)
            case .sgd(let lr, let momentum, let decay):
                let configuration = SGDConfiguration(
                    learningRate: Float(lr), momentum: Float(momentum), dampening: 0, weightDecay: Float(decay))
                sgdStep(
                    parameter: parameter.value.pointer + start, momentumBuffer: firstMoments[index].pointer + start,
                    gradient: gradient.pointer + start, count: count, configuration: configuration, step: step)
            }
        }
    }

    /// Restores the step count when a run resumes from a checkpoint.
    public func restore(step: Int) { self.step = step }
}
