import Testing

@testable import Graph

struct DenseTests {
    @Test func gradientsMatchFiniteDifferences() throws {
        let check = try GradientCheck(
            GradientCheck.spec(data: "{source: mnist, shape: [784]}", layers: "[dense: 5, tanh, dense: 3]"))
        #expect(check.check() > 20)
    }

    @Test func withoutBiasGradientsMatchFiniteDifferences() throws {
        let check = try GradientCheck(
            GradientCheck.spec(
                data: "{source: mnist, shape: [784]}",
                layers: "[dense: {units: 4, bias: false}, sigmoid, dense: 2]"))
        #expect(check.check() > 10)
    }
}
