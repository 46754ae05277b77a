/// Draws an inverted-dropout mask: each element is 0 with probability `probability`, else
/// `1/(1 − probability)`, so the expected activation is unchanged and evaluation needs no
/// rescaling.
///
/// Always draws exactly `count` uniforms from `stream`, whatever `probability` is, so the
/// stream's position after a batch never depends on the rate. `probability >= 1` drops all.
public func dropoutMask(
    mask: UnsafeMutablePointer<Float>, count: Int, probability: Float, stream: inout RandomStream
) {
    let keep: Float = probability >= 1 ? 0 : 1 / (1 - probability)
    for i in 0..<count {
        mask[i] = stream.nextUniform() < probability ? 0 : keep
    }
}

/// `output = input · mask` elementwise (training-mode dropout); `output` may be `input`.
public func dropoutForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, mask: UnsafePointer<Float>,
    count: Int
) {
    for i in 0..<count { output[i] = input[i] * mask[i] }
}

/// `dInput (= | +=) dOutput · mask` with the mask the forward pass used.
public func dropoutBackward(
    dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, mask: UnsafePointer<Float>,
    count: Int, accumulate: Bool
) {
    if accumulate {
        for i in 0..<count { dInput[i] += dOutput[i] * mask[i] }
    } else {
        for i in 0..<count { dInput[i] = dOutput[i] * mask[i] }
    }
}
