import Testing

@testable import Graph

struct ActivationTests {
    @Test(arguments: ["relu", "leaky_relu: 0.2", "sigmoid", "tanh"])
    func gradientsFlowThroughTheActivation(_ activation: String) throws {
        let check = try GradientCheck(
            GradientCheck.spec(
                data: "{source: mnist, shape: [784]}",
                layers: "[dense: 6, \(activation), dense: 3, \(activation)]"))
        #expect(check.check() > 20)
    }
}

struct DropoutTests {
    @Test func gradientsMatchFiniteDifferencesWithTheSameMask() throws {
        let check = try GradientCheck(
            GradientCheck.spec(
                data: "{source: mnist, shape: [784]}", layers: "[dense: 8, tanh, dropout: 0.5, dense: 3]"))
        #expect(check.check() > 20)
    }
}

struct BatchNormTests {
    @Test(arguments: ["{source: mnist, shape: [784]}", "{source: mnist-m, shape: [4, 4, 3]}"])
    func gradientsMatchFiniteDifferencesInTrainingMode(_ data: String) throws {
        let layers =
            data.contains("784")
            ? "[dense: 5, batch_norm, tanh, dense: 2]"
            : "[conv2d: {filters: 3, kernel: 3}, batch_norm, tanh, flatten, dense: 2]"
        let check = try GradientCheck(GradientCheck.spec(data: data, layers: layers), capacity: 4)
        #expect(check.check(batch: 4) > 15)
    }
}

struct ViewTests {
    @Test func gradientsPassThroughFlattenAndReshapeUnchanged() throws {
        let check = try GradientCheck(
            GradientCheck.spec(
                data: "{source: mnist-m, shape: [4, 4, 3]}",
                layers:
                    "[flatten, dense: 12, tanh, reshape: [2, 2, 3], conv2d: {filters: 2, kernel: 2}, flatten, dense: 2]"
            ))
        #expect(check.check() > 20)
    }
}
