import Testing

@testable import Graph
@testable import Spec

struct LayerShapeTests {
    func conv(_ filters: Int, k: Int, s: Int, _ padding: Padding, op: Int = 0) -> ConvolutionSpec {
        ConvolutionSpec(filters: filters, kernel: k, stride: s, padding: padding, outputPadding: op, bias: true)
    }

    @Test func conv2dFollowsPyTorchsOutputSizeForNumericPadding() throws {
        // floor((H + 2p − k) / s) + 1, as torch.nn.Conv2d documents.
        for (h, k, s, p) in [(28, 3, 2, 1), (28, 5, 1, 0), (7, 3, 2, 1), (9, 4, 3, 2), (1, 1, 1, 0)] {
            let out = try Conv2D(settings: conv(4, k: k, s: s, .explicit(p))).outputShape(for: [h, h + 1, 3]).get()
            #expect(out == [(h + 2 * p - k) / s + 1, (h + 1 + 2 * p - k) / s + 1, 4])
        }
    }

    @Test func conv2dSamePaddingGivesCeilOfInputOverStride() throws {
        #expect(try Conv2D(settings: conv(8, k: 3, s: 2, .same)).outputShape(for: [27, 28, 1]).get() == [14, 14, 8])
        #expect(try Conv2D(settings: conv(8, k: 5, s: 1, .same)).outputShape(for: [7, 7, 2]).get() == [7, 7, 8])
    }

    @Test func conv2dTransposeFollowsPyTorchsOutputSize() throws {
        // (H − 1)·s − 2p + k + output_padding, as torch.nn.ConvTranspose2d documents.
        let layer = Conv2DTranspose(settings: conv(32, k: 3, s: 2, .explicit(1), op: 1))
        #expect(try layer.outputShape(for: [7, 7, 64]).get() == [14, 14, 32])
        #expect(
            try Conv2DTranspose(settings: conv(3, k: 4, s: 2, .same)).outputShape(for: [7, 9, 8]).get() == [14, 18, 3])
        #expect(
            try Conv2DTranspose(settings: conv(3, k: 3, s: 1, .valid)).outputShape(for: [5, 5, 8]).get() == [7, 7, 3])
    }

    @Test func parameterCountsMatchPyTorchsModules() {
        // nn.Conv2d(3, 32, 3): 32·3·3·3 + 32; nn.ConvTranspose2d(64, 32, 3): 64·32·9 + 32; nn.Linear(3136, 64).
        func count(_ layer: any Layer, _ input: SampleShape) -> Int {
            layer.parameters(for: input).filter(\.trainable).reduce(0) { $0 + $1.shape.elementCount }
        }
        #expect(count(Conv2D(settings: conv(32, k: 3, s: 2, .explicit(1))), [28, 28, 3]) == 896)
        #expect(count(Conv2DTranspose(settings: conv(32, k: 3, s: 2, .explicit(1), op: 1)), [7, 7, 64]) == 18_464)
        #expect(count(Dense(units: 64, bias: true), [3136]) == 200_768)
        #expect(count(BatchNorm(momentum: 0.1, epsilon: 1e-5), [7, 7, 16]) == 32)
    }

    @Test func denseRefusesAnImageAndSaysToFlatten() {
        guard case .failure(let mismatch) = Dense(units: 4, bias: true).outputShape(for: [28, 28, 1]) else {
            Issue.record("dense accepted an image")
            return
        }
        #expect(mismatch.message.contains("add `flatten` before it"))
    }

    @Test func reshapeMustKeepTheNumberOfValues() throws {
        #expect(try Reshape(shape: [7, 7, 64]).outputShape(for: [3136]).get() == [7, 7, 64])
        guard case .failure = Reshape(shape: [7, 7, 32]).outputShape(for: [3136]) else {
            Issue.record("reshape changed the number of values")
            return
        }
    }

    @Test func denseCostsTwoFlopsPerMultiplyAdd() {
        #expect(Dense(units: 10, bias: false).flops(input: [784], output: [10]) == 2 * 784 * 10)
        #expect(Dense(units: 10, bias: true).flops(input: [784], output: [10]) == 2 * 784 * 10 + 10)
    }
}
