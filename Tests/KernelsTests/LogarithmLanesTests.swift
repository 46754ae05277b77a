import Foundation
import Kernels
import Testing

/// The largest error of `logarithmLanes` over `values`, in units of the float spacing at the
/// true logarithm (at least the spacing at 1, since log x → 0 near x = 1 only in absolute terms).
private func largestError(_ values: [Float]) -> Double {
    var worst = 0.0
    var i = 0
    while i < values.count {
        var lanes = Lanes(repeating: 1)
        for lane in 0..<min(8, values.count - i) { lanes[lane] = values[i + lane] }
        let y = logarithmLanes(lanes)
        for lane in 0..<min(8, values.count - i) {
            let exact = log(Double(values[i + lane]))
            let spacing = Double(max(Float(abs(exact)), Float.ulpOfOne).ulp)
            worst = max(worst, abs(Double(y[lane]) - exact) / spacing)
        }
        i += 8
    }
    return worst
}

@Test func logarithmLanesIsWithinFourUlpFromSubnormalsToTheLargestFloat() {
    // Every power of two in range, with 64 mantissas each: every exponent and both halves of
    // the mantissa range (below and above √2) are visited.
    var values: [Float] = []
    for exponent in -149...127 {
        for k in 0..<64 { values.append(Float(sign: .plus, exponent: exponent, significand: 1 + Float(k) / 64)) }
    }
    values.append(contentsOf: uniformValues(4096, name: "log.unit", lower: 0, upper: 1))
    values = values.filter { $0.isFinite && $0 > 0 }
    #expect(largestError(values) <= 4)
}

@Test func logarithmLanesGivesTheLimitsAtZeroInfinityAndOutsideTheDomain() {
    let y = logarithmLanes(Lanes(0, .infinity, -1, .nan, 1, 1e-40, .leastNonzeroMagnitude, 2))
    #expect(y[0] == -.infinity)
    #expect(y[1] == .infinity)
    #expect(y[2].isNaN && y[3].isNaN)
    #expect(y[4] == 0)
    #expect(abs(Double(y[5]) - log(1e-40)) < 1e-4)
    #expect(abs(Double(y[6]) - log(Double(Float.leastNonzeroMagnitude))) < 1e-4)
    #expect(abs(Double(y[7]) - log(2.0)) < 1e-7)
}
