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
/// Large passes split across up to `context.threads` threads.
///
/// Explicit eight-lane loops: an in-place call would otherwise fail the compiler's runtime
/// overlap check and run scalar. Each lane computes exactly what the scalar tail computes.
public func activationForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int,
    activation: Activation, context: ExecutionContext = .serial
) {
    let shared = UncheckedSendable(value: (output, input))
    forEachSlice(of: count, context: context) { slice in
        activationForwardSlice(
            output: shared.value.0 + slice.lowerBound, input: shared.value.1 + slice.lowerBound, count: slice.count,
            activation: activation)
    }
}

private func activationForwardSlice(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int,
    activation: Activation
) {
    switch activation {
    case .identity:
        if UnsafePointer(output) != input { output.update(from: input, count: count) }
    case .relu:
        forEachLane(count) {
            storeLanes(reluLanes(loadLanes(input + $0)), output + $0)
        } scalar: {
            output[$0] = max(input[$0], 0)
        }
    case .leakyReLU(let slope):
        forEachLane(count) {
            storeLanes(leakyReLULanes(loadLanes(input + $0), slope), output + $0)
        } scalar: {
            let x = input[$0]
            output[$0] = x > 0 ? x : slope * x
        }
    case .sigmoid:
        sigmoidPass(output: output, input: input, bias: nil, count: count)
    case .tanh:
        for i in 0..<count { output[i] = tanhf(input[i]) }
    }
}

/// `max(x, 0)` on each lane, as `Swift.max` gives it (`+0` for `−0`, NaN stays NaN).
@inline(__always)
func reluLanes(_ x: Lanes) -> Lanes {
    x.replacing(with: 0, where: x .<= 0)
}

/// `x > 0 ? x : slope · x` on each lane.
@inline(__always)
func leakyReLULanes(_ x: Lanes, _ slope: Float) -> Lanes {
    (slope * x).replacing(with: x, where: x .> 0)
}

/// Runs `vector(i)` for each full group of eight starting at `i`, then `scalar(i)` for the rest.
@inline(__always)
func forEachLane(_ count: Int, _ vector: (Int) -> Void, scalar: (Int) -> Void) {
    var i = 0
    while i + Lanes.scalarCount <= count {
        vector(i)
        i += Lanes.scalarCount
    }
    while i < count {
        scalar(i)
        i += 1
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
    dOutput: UnsafePointer<Float>, count: Int, activation: Activation, accumulate: Bool,
    context: ExecutionContext = .serial
) {
    let shared = UncheckedSendable(value: (dInput, output, dOutput))
    forEachSlice(of: count, context: context) { slice in
        let (dInput, output, dOutput) = shared.value
        activationBackwardSlice(
            dInput: dInput + slice.lowerBound, output: output + slice.lowerBound, dOutput: dOutput + slice.lowerBound,
            count: slice.count, activation: activation, accumulate: accumulate)
    }
}

private func activationBackwardSlice(
    dInput: UnsafeMutablePointer<Float>, output: UnsafePointer<Float>,
    dOutput: UnsafePointer<Float>, count: Int, activation: Activation, accumulate: Bool
) {
    switch activation {
    case .identity:
        applyBackward(dInput, dOutput, count, accumulate, { _ in Lanes(repeating: 1) }) { _ in 1 }
    case .relu:
        applyBackward(dInput, dOutput, count, accumulate) {
            Lanes(repeating: 0).replacing(with: 1, where: loadLanes(output + $0) .> 0)
        } scalar: {
            output[$0] > 0 ? 1 : 0
        }
    case .leakyReLU(let slope):
        applyBackward(dInput, dOutput, count, accumulate) {
            Lanes(repeating: slope).replacing(with: 1, where: loadLanes(output + $0) .> 0)
        } scalar: {
            output[$0] > 0 ? 1 : slope
        }
    case .sigmoid:
        applyBackward(dInput, dOutput, count, accumulate) {
            let y = loadLanes(output + $0)
            return y * (1 - y)
        } scalar: {
            output[$0] * (1 - output[$0])
        }
    case .tanh:
        applyBackward(dInput, dOutput, count, accumulate) {
            let y = loadLanes(output + $0)
            return 1 - y * y
        } scalar: {
            1 - output[$0] * output[$0]
        }
    }
}

/// Writes or adds `dOutput[i] · derivative(i)`, eight lanes at a time; the branch on `accumulate`
/// sits outside the loops.
@inline(__always)
private func applyBackward(
    _ dInput: UnsafeMutablePointer<Float>, _ dOutput: UnsafePointer<Float>, _ count: Int,
    _ accumulate: Bool, _ derivative: (Int) -> Lanes, scalar: (Int) -> Float
) {
    if accumulate {
        forEachLane(count) {
            storeLanes(loadLanes(dInput + $0) + loadLanes(dOutput + $0) * derivative($0), dInput + $0)
        } scalar: {
            dInput[$0] += dOutput[$0] * scalar($0)
        }
    } else {
        forEachLane(count) {
            storeLanes(loadLanes(dOutput + $0) * derivative($0), dInput + $0)
        } scalar: {
            dInput[$0] = dOutput[$0] * scalar($0)
        }
    }
}
