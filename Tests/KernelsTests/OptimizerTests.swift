import Kernels
import Testing

@Test func adamFirstTwoStepsMatchHandComputedValues() {
    var p: [Float] = [1]
    var m: [Float] = [0]
    var v: [Float] = [0]
    let k = AdamConfiguration(learningRate: 0.1)
    adamStep(
        parameter: &p, firstMoment: &m, secondMoment: &v, gradient: [0.5], count: 1, configuration: k,
        step: 1)
    // Step 1: m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25, so p = 1 − 0.1·0.5/(0.5 + 1e-8) ≈ 0.9.
    // v's tolerance is relative 1e-4: Float(1 − 0.999) is itself off by 1.3e-5 relative (as in PyTorch).
    #expect(abs(m[0] - 0.05) < 1e-7 && abs(v[0] - 0.00025) < 2.5e-8)
    #expect(abs(p[0] - 0.9) < 1e-6)
    adamStep(
        parameter: &p, firstMoment: &m, secondMoment: &v, gradient: [-0.25], count: 1, configuration: k,
        step: 2)
    // Step 2: m = 0.045 − 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225;
    // m̂ = 0.02/0.19 = 0.1052632, v̂ = 0.00031225/0.001999 = 0.1562031, √v̂ = 0.3952254;
    // p = 0.9 − 0.1·0.1052632/0.3952254 = 0.8733667.
    #expect(abs(m[0] - 0.02) < 1e-7 && abs(v[0] - 0.00031225) < 3e-8)
    #expect(abs(p[0] - 0.8733667) < 2e-6)
}

@Test func adamWeightDecayIsAddedToTheGradientLikeTorchAdam() {
    // wd = 0.5 with zero gradient makes g = 0.5·p = 1 for p = 2; step 1 then moves p by lr·1/1.
    var p: [Float] = [2]
    var m: [Float] = [0]
    var v: [Float] = [0]
    let k = AdamConfiguration(learningRate: 0.01, weightDecay: 0.5)
    adamStep(
        parameter: &p, firstMoment: &m, secondMoment: &v, gradient: [0], count: 1, configuration: k,
        step: 1)
    #expect(abs(p[0] - 1.99) < 1e-6)
    #expect(m[0] > 0)
}

@Test func adamWDecoupledDecayShrinksTheParameterWithoutTouchingMoments() {
    var p: [Float] = [2]
    var m: [Float] = [0]
    var v: [Float] = [0]
    let k = AdamConfiguration(learningRate: 0.01, weightDecay: 0.5, decoupledWeightDecay: true)
    adamStep(
        parameter: &p, firstMoment: &m, secondMoment: &v, gradient: [0], count: 1, configuration: k,
        step: 1)
    // p·(1 − lr·wd) = 2·0.995; the zero gradient leaves m = v = 0 and the Adam term 0/(0 + eps) = 0.
    #expect(p[0] == Float(2) * (1 - Float(0.01) * 0.5))
    #expect(m[0] == 0 && v[0] == 0)
}

@Test func sgdWithMomentumFollowsTorchSemantics() {
    var p: [Float] = [1, -1]
    var buffer: [Float] = [.nan, .nan]  // step 1 must overwrite, never read, the buffer
    let k = SGDConfiguration(learningRate: 0.1, momentum: 0.9, dampening: 0.5)
    sgdStep(
        parameter: &p, momentumBuffer: &buffer, gradient: [1, 2], count: 2, configuration: k, step: 1)
    // Step 1: buf = g = [1, 2] (no dampening on the first step); p = [0.9, −1.2].
    #expect(buffer == [1, 2])
    #expect(abs(p[0] - 0.9) < 1e-6 && abs(p[1] + 1.2) < 1e-6)
    sgdStep(
        parameter: &p, momentumBuffer: &buffer, gradient: [1, 2], count: 2, configuration: k, step: 2)
    // Step 2: buf = 0.9·buf + 0.5·g = [1.4, 2.8]; p = [0.76, −1.48].
    #expect(abs(buffer[0] - 1.4) < 1e-6 && abs(buffer[1] - 2.8) < 1e-6)
    #expect(abs(p[0] - 0.76) < 1e-6 && abs(p[1] + 1.48) < 1e-6)
}

@Test func plainSgdWithWeightDecayNeedsNoBuffer() {
    var p: [Float] = [2]
    sgdStep(
        parameter: &p, momentumBuffer: nil, gradient: [1], count: 1,
        configuration: SGDConfiguration(learningRate: 0.1, weightDecay: 0.5), step: 1)
    // p − lr·(g + wd·p) = 2 − 0.1·2 = 1.8.
    #expect(abs(p[0] - 1.8) < 1e-6)
}
