import Testing

@testable import Graph

struct LossGradientTests {
    @Test(arguments: [
        "mse(net(x), x)", "sse(net(x), x)", "l1(net(x), 0.3)", "bce(net(x), x)", "bce_logits(net(x), 1)",
        "bce_logits(net(x), x)", "0.5 * mse(net(x), x) - 2 * l1(net(x), x)", "mse(net(x), x) * sse(net(x), 0.1)",
        "-bce_logits(net(x), 0)",
    ])
    func lossGradientsMatchFiniteDifferences(_ loss: String) throws {
        let layers = loss.contains("bce(") ? "[dense: 4, tanh, dense: 784, sigmoid]" : "[dense: 4, tanh, dense: 784]"
        let check = try GradientCheck(
            GradientCheck.spec(data: "{source: mnist, shape: [784]}", layers: layers, loss: loss))
        #expect(check.check(perTensor: 6) > 10)
    }

    @Test func aNetworkUsedAsTheTargetGetsTheTargetsGradient() throws {
        let text = """
            data: {source: mnist, shape: [784]}
            networks:
              a: {layers: [dense: 3, tanh]}
              b: {layers: [dense: 3, sigmoid]}
            phases:
              - {name: p, loss: "mse(a(x), b(x)) + l1(b(x), a(x))", update: [a, b]}
            """
        #expect(try GradientCheck(text).check() > 10)
    }
}
