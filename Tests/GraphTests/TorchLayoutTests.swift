import Testing

@testable import Graph
@testable import Spec

/// How runexp's tensors and layers read in PyTorch: the one mapping checkpoints and exported
/// modules share.
struct TorchLayoutTests {
    func conv(_ filters: Int, k: Int, s: Int, _ padding: Padding, op: Int = 0) -> ConvolutionSpec {
        ConvolutionSpec(filters: filters, kernel: k, stride: s, padding: padding, outputPadding: op, bias: true)
    }

    @Test func aDenseWeightIsTransposedIntoLinearsOutByInOrder() {
        // runexp's [in 2, out 3]: row i holds input i's weights to the three outputs.
        let weight = Dense(units: 3, bias: true).parameters(for: [2])[0]
        #expect(weight.torchShape == [3, 2])
        let torch = TorchLayout.toTorch([1, 2, 3, 4, 5, 6], shape: weight.shape, axes: weight.torchAxes)
        #expect(torch == [1, 4, 2, 5, 3, 6])
    }

    @Test func convolutionWeightsTakePyTorchsAxesAndComeBackUnchanged() {
        let conv2d = Conv2D(settings: conv(5, k: 3, s: 1, .valid)).parameters(for: [8, 8, 2])[0]
        let transposed = Conv2DTranspose(settings: conv(5, k: 3, s: 2, .valid)).parameters(for: [4, 4, 2])[0]
        #expect(conv2d.shape == [3, 3, 2, 5] && conv2d.torchShape == [5, 2, 3, 3])
        #expect(transposed.shape == [2, 3, 3, 5] && transposed.torchShape == [2, 5, 3, 3])
        for weight in [conv2d, transposed] {
            let values = (0..<weight.shape.elementCount).map(Float.init)
            let torch = TorchLayout.toTorch(values, shape: weight.shape, axes: weight.torchAxes)
            // The element at PyTorch index t is runexp's element at the index whose axis axes[i] is t[i].
            let t = [1, 0, 2, 1]
            var index = [Int](repeating: 0, count: 4)
            for (i, axis) in weight.torchAxes.enumerated() { index[axis] = t[i] }
            let offset = { (i: [Int], shape: [Int]) in zip(i, shape).reduce(0) { $0 * $1.1 + $1.0 } }
            #expect(torch[offset(t, weight.torchShape)] == values[offset(index, weight.shape)])
            #expect(TorchLayout.fromTorch(torch, shape: weight.shape, axes: weight.torchAxes) == values)
        }
    }

    @Test func batchNormsScaleAndShiftTakePyTorchsNames() {
        let names = BatchNorm(momentum: 0.1, epsilon: 1e-5).parameters(for: [4]).map(\.torchName)
        #expect(names == ["weight", "bias", "running_mean", "running_var"])
        let module = BatchNorm(momentum: 0.1, epsilon: 1e-5).torchModule(input: [7, 7, 4], output: [7, 7, 4])
        #expect(module == TorchModule("nn.BatchNorm2d(4, eps=1e-05, momentum=0.1)", counters: ["num_batches_tracked"]))
    }

    @Test func aConvolutionIsPyTorchsOwnWhereItsPaddingIsSymmetricAndPaddedWhereSamePadsMoreAfter() throws {
        func module(_ settings: ConvolutionSpec, _ input: SampleShape) throws -> String {
            let layer = Conv2D(settings: settings)
            return layer.torchModule(input: input, output: try layer.outputShape(for: input).get()).expression
        }
        #expect(
            try module(conv(4, k: 3, s: 2, .explicit(1)), [28, 28, 3])
                == "nn.Conv2d(3, 4, 3, stride=2, bias=True, padding=1)")
        #expect(
            try module(conv(4, k: 5, s: 1, .same), [9, 9, 1]) == "nn.Conv2d(1, 4, 5, stride=1, bias=True, padding=2)")
        // 28 → 14 with a 3×3 kernel: one row of padding, after the image (PyTorch's padding=1 puts one before).
        #expect(
            try module(conv(4, k: 3, s: 2, .same), [27, 28, 1])
                == "PaddedConv2d(1, 4, 3, stride=2, bias=True, pads=(0, 1, 1, 1))")
    }

    @Test func aTransposedConvolutionIsPyTorchsOwnWhereOutputPaddingCanSayItsCroppingElseCropped() throws {
        func module(_ settings: ConvolutionSpec, _ input: SampleShape) throws -> String {
            let layer = Conv2DTranspose(settings: settings)
            return layer.torchModule(input: input, output: try layer.outputShape(for: input).get()).expression
        }
        #expect(
            try module(conv(32, k: 3, s: 2, .explicit(1), op: 1), [7, 7, 64])
                == "nn.ConvTranspose2d(64, 32, 3, stride=2, bias=True, padding=1, output_padding=1)")
        #expect(
            try module(conv(3, k: 4, s: 2, .same), [7, 7, 8])
                == "nn.ConvTranspose2d(8, 3, 4, stride=2, bias=True, padding=1, output_padding=0)")
        // 7 → 14 with a 3×3 kernel: the full scatter is 15 rows, runexp keeps the first 14.
        #expect(
            try module(conv(3, k: 3, s: 2, .same), [7, 7, 8])
                == "CroppedConvTranspose2d(8, 3, 3, stride=2, bias=True, crop=0, size=(14, 14))")
    }

    @Test func imagesAreChannelsFirstInPyTorchAndVectorsAsTheyAre() {
        #expect(TorchLayout.sampleShape([28, 28, 3]) == [3, 28, 28])
        #expect(TorchLayout.sampleShape([784]) == [784])
    }
}
