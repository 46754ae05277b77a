#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Hyperparameters of stochastic gradient descent with momentum, as `torch.optim.SGD`.
public struct SGDConfiguration: Sendable, Equatable, Hashable {
    /// Step size.
    public var learningRate: Float
    /// Momentum factor; 0 disables the momentum buffer.
    public var momentum: Float
    /// Fraction of the gradient *not* added into the momentum buffer after the first step.
    public var dampening: Float
    /// L2 penalty added to the gradient: `g + weightDecay · p`.
    public var weightDecay: Float

    /// PyTorch's defaults apart from the learning rate.
    public init(
        learningRate: Float, momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0
    ) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
    }
}

/// One SGD update in place, PyTorch semantics: `g ← grad + wd·p`; with momentum,
/// `buf ← g` on step 1, else `buf ← momentum·buf + (1 − dampening)·g`, and `g ← buf`;
/// then `p ← p − lr·g`.
///
/// `step` counts updates from 1. `momentumBuffer` may be nil when `momentum == 0`.
public func sgdStep(
    parameter: UnsafeMutablePointer<Float>, momentumBuffer: UnsafeMutablePointer<Float>?,
    gradient: UnsafePointer<Float>, count: Int, configuration k: SGDConfiguration, step: Int
) {
    let lr = k.learningRate
    let wd = k.weightDecay
    guard k.momentum != 0, let buffer = momentumBuffer else {
        for i in 0..<count { parameter[i] -= lr * (gradient[i] + wd * parameter[i]) }
        return
    }
    let m = k.momentum
    let fresh = 1 - k.dampening
    let width = Lanes.scalarCount
    let vector = count - count % width
    var i = 0
    while i < vector {
        let p = loadLanes(parameter + i)
        let g = loadLanes(gradient + i) + wd * p
        let b = step <= 1 ? g : m * loadLanes(buffer + i) + fresh * g
        storeLanes(b, buffer + i)
        storeLanes(p - lr * b, parameter + i)
        i += width
    }
    while i < count {
        let g = gradient[i] + wd * parameter[i]
        let b = step <= 1 ? g : m * buffer[i] + fresh * g
        buffer[i] = b
        parameter[i] -= lr * b
        i += 1
    }
}

/// Hyperparameters of Adam, as `torch.optim.Adam` (or `AdamW` with `decoupledWeightDecay`).
public struct AdamConfiguration: Sendable, Equatable, Hashable {
    /// Step size.
    public var learningRate: Float
    /// Decay of the first-moment (mean) estimate.
    public var beta1: Float
    /// Decay of the second-moment (uncentered variance) estimate.
    public var beta2: Float
    /// Added to `√v̂` (outside the square root) to keep the denominator positive.
    public var epsilon: Float
    /// Weight-decay coefficient; meaning set by `decoupledWeightDecay`.
    public var weightDecay: Float
    /// false: Adam's L2 form, `g ← g + wd·p` before the moments; true: AdamW's
    /// `p ← p·(1 − lr·wd)` before the update, bypassing the moments.
    public var decoupledWeightDecay: Bool

    /// PyTorch's Adam defaults apart from the learning rate.
    public init(
        learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = 0, decoupledWeightDecay: Bool = false
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
    }
}

/// One Adam update in place, PyTorch semantics: `m ← m + (1−β1)(g − m)`,
/// `v ← β2·v + (1−β2)·g²`, `p ← p − (lr/(1−β1^t)) · m / (√v/√(1−β2^t) + eps)`.
///
/// `step` is this update's number `t`, counting from 1; both moment buffers start at zero.
/// Bias corrections are computed in `Double`, as Python's floats do in PyTorch.
public func adamStep(
    parameter: UnsafeMutablePointer<Float>, firstMoment: UnsafeMutablePointer<Float>,
    secondMoment: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, count: Int,
    configuration k: AdamConfiguration, step: Int
) {
    let t = Double(max(step, 1))
    let stepSize = Float(Double(k.learningRate) / (1 - pow(Double(k.beta1), t)))
    let correction2Root = Float((1 - pow(Double(k.beta2), t)).squareRoot())
    let l2 = k.decoupledWeightDecay ? 0 : k.weightDecay
    let shrink = k.decoupledWeightDecay ? 1 - k.learningRate * k.weightDecay : 1
    let (b1, b2, eps) = (k.beta1, k.beta2, k.epsilon)
    // Eight lanes at a time; every lane runs the scalar tail's operations in the same order, so the
    // result does not depend on where the vector part ends (or on how callers split the range).
    let width = Lanes.scalarCount
    let vector = count - count % width
    var i = 0
    while i < vector {
        let p = loadLanes(parameter + i) * shrink
        let g = loadLanes(gradient + i) + l2 * p
        let m0 = loadLanes(firstMoment + i)
        let v0 = loadLanes(secondMoment + i)
        let m = m0 + (1 - b1) * (g - m0)
        let v = b2 * v0 + (1 - b2) * g * g
        let updated = p - stepSize * (m / (squareRootLanes(v) / correction2Root + eps))
        storeLanes(m, firstMoment + i)
        storeLanes(v, secondMoment + i)
        storeLanes(updated, parameter + i)
        i += width
    }
    while i < count {
        let p = parameter[i] * shrink
        let g = gradient[i] + l2 * p
        let m = firstMoment[i] + (1 - b1) * (g - firstMoment[i])
        let v = b2 * secondMoment[i] + (1 - b2) * g * g
        firstMoment[i] = m
        secondMoment[i] = v
        // Same operation order as PyTorch's addcdiv_: divide first, then scale by the step size.
        parameter[i] = p - stepSize * (m / (v.squareRoot() / correction2Root + eps))
        i += 1
    }
}
