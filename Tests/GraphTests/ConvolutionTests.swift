import Testing

@testable import Graph

struct Conv2DTests {
    @Test(arguments: [
        "{filters: 3, kernel: 3, stride: 1, padding: same}",
        "{filters: 2, kernel: 3, stride: 2, padding: 1}",
        "{filters: 4, kernel: 5, stride: 3, padding: valid}",
        "{filters: 3, kernel: 4, stride: 2, padding: same}",
        "{filters: 2, kernel: 1, stride: 1, padding: 0}",
    ])
    func gradientsMatchFiniteDifferences(_ settings: String) throws {
        let check = try GradientCheck(
            GradientCheck.spec(
                data: "{source: mnist-m, shape: [7, 9, 3]}",
                layers: "[conv2d: \(settings), tanh, conv2d: {filters: 2, kernel: 3, stride: 2}]"))
        #expect(check.check() > 20)
    }
}

struct Conv2DTransposeTests {
    @Test(arguments: [
        "{filters: 3, kernel: 3, stride: 2, padding: 1, output_padding: 1}",
        "{filters: 2, kernel: 4, stride: 2, padding: same}",
        "{filters: 2, kernel: 3, stride: 1, padding: valid}",
        "{filters: 3, kernel: 5, stride: 3, padding: 2, output_padding: 2}",
    ])
    func gradientsMatchFiniteDifferences(_ settings: String) throws {
        // The first transposed convolution's input gradient is exercised by the one after it.
        let check = try GradientCheck(
            GradientCheck.spec(
                data: "{source: mnist-m, shape: [5, 7, 3]}",
                layers:
                    "[conv2d_transpose: \(settings), tanh, conv2d_transpose: {filters: 2, kernel: 3, stride: 2, padding: 1}]"
            ))
        #expect(check.check() > 20)
    }
}
