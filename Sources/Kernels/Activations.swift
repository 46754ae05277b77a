#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An elementwise nonlinearity applied after a dense or convolution layer.
public enum Activation: Sendable, Equatable, Hashable {
    /// `y = x`.
    case identity
    /// `y = max(x, 0)`.
    case relu
    /// `y = x` for `x > 0`, else `slope · x`; `slope` must be `>= 0` so the sign of `y` tells
    /// the branch in backward.
    case leakyReLU(slope: Float)
    /// `y = 1 / (1 + e^-x)`, evaluated without overflow for large `|x|`.
    case sigmoid
    /// `y = tanh(x)`.
    case tanh
}

/// The logistic function, stable for every finite `x`: `exp` only ever sees `-|x|`, so it never
/// overflows, and the two branches are the same function written two ways.
@inline(__always)
public func stableSigmoid(_ x: Float) -> Float {
    let e = expf(-abs(x))
    let r = 1 / (1 + e)
    return x >= 0 ? r : e * r
}

/// `output[i] = activation(input[i])` for `i < count`; `output` may be `input` (in place).
public func activationForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int,
    activation: Activation
) {
    switch activation {
    case .identity:
        if UnsafePointer(output) != input { output.update(from: input, count: count) }
    case .relu:
        for i in 0..<count { output[i] = max(input[i], 0) }
    case .leakyReLU(let slope):
        for i in 0..<count {
            let x = input[i]
            output[i] = x > 0 ? x : slope * x
        }
    case .sigmoid:
        for i in 0..<count { output[i] = stableSigmoid(input[i]) }
    case .tanh:
        for i in 0..<count { output[i] = tanhf(input[i]) }
    }
}

/// Gradient through an activation, from its forward *output* `output` and the upstream gradient
/// `dOutput`: `dInput[i] (= | +=) dOutput[i] · activation'(x[i])`.
///
/// Every supported derivative is a function of the output alone (relu: `y > 0`; sigmoid:
/// `y(1−y)`; tanh: `1−y²`), so the forward input need not be kept. `dInput` may be `dOutput`
/// when `accumulate` is false.
public func activationBackward(
    dInput: UnsafeMutablePointer<Float>, output: UnsafePointer<Float>,
    dOutput: UnsafePointer<Float>, count: Int, activation: Activation, accumulate: Bool
) {
    switch activation {
    case .identity:
        applyBackward(dInput, dOutput, count, accumulate) { _ in 1 }
    case .relu:
        applyBackward(dInput, dOutput, count, accumulate) { output[$0] > 0 ? 1 : 0 }
    case .leakyReLU(let slope):
        applyBackward(dInput, dOutput, count, accumulate) { output[$0] > 0 ? 1 : slope }
    case .sigmoid:
        applyBackward(dInput, dOutput, count, accumulate) { output[$0] * (1 - output[$0]) }
    case .tanh:
        applyBackward(dInput, dOutput, count, accumulate) { 1 - output[$0] * output[$0] }
    }
}

/// Writes or adds `dOutput[i] · derivative(i)`; the branch on `accumulate` sits outside the loop
/// so each loop body stays simple enough to vectorize.
@inline(__always)
private func applyBackward(
    _ dInput: UnsafeMutablePointer<Float>, _ dOutput: UnsafePointer<Float>, _ count: Int,
    _ accumulate: Bool, _ derivative: (Int) -> Float
) {
    if accumulate {
        for i in 0..<count { dInput[i] += dOutput[i] * derivative(i) }
    } else {
        for i in 0..<count { dInput[i] = dOutput[i] * derivative(i) }
    }
}
