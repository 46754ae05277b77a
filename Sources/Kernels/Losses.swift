#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The reconstruction and adversarial losses a phase can name.
///
/// All but `sse` are means over every element (PyTorch's `reduction='mean'`).
public enum LossKind: Sendable, Equatable, Hashable {
    /// Mean of `(p − t)²`.
    case mse
    /// Sum of `(p − t)²`.
    case sse
    /// Mean of `|p − t|`; the gradient at `p == t` is 0, as in PyTorch.
    case l1
    /// Binary cross-entropy on probabilities, PyTorch's `BCELoss`: each log is clamped at −100
    /// (so `p` of exactly 0 or 1 costs at most 100, never infinity), and the gradient is
    /// `(p − t) / max(p(1 − p), 1e-12)`.
    case bce
    /// Binary cross-entropy on logits, PyTorch's `BCEWithLogitsLoss`, in the overflow-free form
    /// `max(x, 0) − x·t + log(1 + e^−|x|)`.
    case bceLogits
}

/// What a loss compares its prediction with: a buffer as long as the prediction, or one value
/// for every element (as in `bce_logits(D(z), 1)`).
public enum LossTarget {
    /// One target per prediction element.
    case buffer(UnsafePointer<Float>)
    /// The same target for every element.
    case constant(Float)
}

/// Evaluates `kind` on `count` predictions against `target`; per-element terms are summed in
/// `Double` in a fixed order, so the value is reproducible bit for bit.
public func lossForward(
    kind: LossKind, prediction: UnsafePointer<Float>, target: LossTarget, count: Int
) -> Float {
    guard count > 0 else { return 0 }
    let total: Double
    switch (kind, target) {
    case (.bceLogits, _):
        // For a target of 0 or 1 on the right side, max(p, 0) − p·t is exactly 0, so a confident
        // right answer costs the small log(1 + e^−|p|), to float precision.
        total = laneTermSum(prediction, target, count) { p, t in
            p.replacing(with: 0, where: p .< 0) - p * t + softplusRemainderLanes(p)
        }
    case (.bce, _):
        total = laneTermSum(prediction, target, count) { p, t in
            let logP = logarithmLanes(p)
            let logQ = logarithmLanes(1 - p)
            return
                -(t * logP.replacing(with: -100, where: logP .< -100)
                + (1 - t) * logQ.replacing(with: -100, where: logQ .< -100))
        }
    case (.l1, .buffer(let t)):
        total = fixedOrderSum(count: count) { abs(Double(prediction[$0]) - Double(t[$0])) }
    case (.l1, .constant(let value)):
        total = fixedOrderSum(count: count) { abs(Double(prediction[$0]) - Double(value)) }
    case (.mse, .buffer(let t)), (.sse, .buffer(let t)):
        total = fixedOrderSum(count: count) {
            let d = Double(prediction[$0]) - Double(t[$0])
            return d * d
        }
    case (.mse, .constant(let value)), (.sse, .constant(let value)):
        total = fixedOrderSum(count: count) {
            let d = Double(prediction[$0]) - Double(value)
            return d * d
        }
    }
    return Float(kind == .sse ? total : total / Double(count))
}

/// Σ `term` over `count` predictions and their targets, eight lanes at a time: the logarithms of
/// the cross-entropies come from lane functions rather than a libm call per element. Each lane
/// sums eight terms in Float, then adds them to its Double sum, and the lanes are added pairwise
/// at the end: a fixed order, so the value is reproducible. The tail's missing lanes hold 0.5,
/// inside every term's domain, and are left out of the sums.
@inline(__always)
private func laneTermSum(
    _ prediction: UnsafePointer<Float>, _ target: LossTarget, _ count: Int, _ term: (Lanes, Lanes) -> Lanes
) -> Double {
    let width = Lanes.scalarCount
    var sums = [Double](repeating: 0, count: width)
    func add(_ block: Lanes, lanes: Int) { for lane in 0..<lanes { sums[lane] += Double(block[lane]) } }
    var i = 0
    while i + width <= count {
        var block = Lanes(repeating: 0)
        let end = min(count - count % width, i + 8 * width)
        while i < end {
            let t: Lanes
            switch target {
            case .buffer(let buffer): t = loadLanes(buffer + i)
            case .constant(let value): t = Lanes(repeating: value)
            }
            block += term(loadLanes(prediction + i), t)
            i += width
        }
        add(block, lanes: width)
    }
    if i < count {
        var (p, t) = (Lanes(repeating: 0.5), Lanes(repeating: 0.5))
        for lane in 0..<(count - i) {
            p[lane] = prediction[i + lane]
            switch target {
            case .buffer(let buffer): t[lane] = buffer[i + lane]
            case .constant(let value): t[lane] = value
            }
        }
        add(term(p, t), lanes: count - i)
    }
    return ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]))
}

/// The gradient of `upstream · loss` with respect to the prediction:
/// `dPrediction (= | +=) upstream · ∂loss/∂prediction`.
///
/// `upstream` is the loss term's coefficient in the phase's expression (1 for a plain loss,
/// −1 for a subtracted one).
///
/// Large gradients split across up to `context.threads` threads; each element's value does not depend on
/// the split.
public func lossBackward(
    dPrediction: UnsafeMutablePointer<Float>, prediction: UnsafePointer<Float>,
    target: LossTarget, count: Int, kind: LossKind, upstream: Float, accumulate: Bool,
    context: ExecutionContext = .serial
) {
    guard count > 0 else { return }
    let scale = kind == .sse ? upstream : upstream / Float(count)
    let shared = UncheckedSendable(value: (dPrediction, prediction, target))
    forEachSlice(of: count, context: context) { slice in
        let (dPrediction, prediction, target) = shared.value
        let start = slice.lowerBound
        let sliceTarget: LossTarget
        switch target {
        case .buffer(let t): sliceTarget = .buffer(t + start)
        case .constant: sliceTarget = target
        }
        lossGradientSlice(
            dPrediction + start, prediction + start, sliceTarget, slice.count, kind, scale: scale,
            accumulate: accumulate)
    }
}

/// `lossBackward` of `count` elements on the calling thread, the mean's `1/count` already in `scale`.
private func lossGradientSlice(
    _ dPrediction: UnsafeMutablePointer<Float>, _ prediction: UnsafePointer<Float>, _ target: LossTarget,
    _ count: Int, _ kind: LossKind, scale: Float, accumulate: Bool
) {
    switch (target, accumulate) {
    case (.buffer(let t), false):
        for i in 0..<count { dPrediction[i] = scale * lossDerivative(kind, prediction[i], t[i]) }
    case (.buffer(let t), true):
        for i in 0..<count { dPrediction[i] += scale * lossDerivative(kind, prediction[i], t[i]) }
    case (.constant(let t), false):
        for i in 0..<count { dPrediction[i] = scale * lossDerivative(kind, prediction[i], t) }
    case (.constant(let t), true):
        for i in 0..<count { dPrediction[i] += scale * lossDerivative(kind, prediction[i], t) }
    }
}

/// One element's `∂term/∂p`, before the `1/count` of the mean.
@inline(__always)
private func lossDerivative(_ kind: LossKind, _ p: Float, _ t: Float) -> Float {
    switch kind {
    case .mse, .sse:
        return 2 * (p - t)
    case .l1:
        return p > t ? 1 : (p < t ? -1 : 0)
    case .bce:
        return (p - t) / max(p * (1 - p), 1e-12)
    case .bceLogits:
        return stableSigmoid(p) - t
    }
}
