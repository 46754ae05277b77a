import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// `upsample`, `max_pool` and `avg_pool`: gradients through them match finite differences, and
/// forward outputs and input gradients match PyTorch's on fixtures made once by
/// `TorchFixtures/make_image_layer_fixtures.py` (PyTorch 2.13, CPU) and committed as .npy.
struct ImageLayerTests {
    /// The layer between two convolutions, so that the first one's weights are checked through it.
    func gradientCheck(_ layer: String, shape: String = "[6, 7, 3]", library: ProductLibrary = .openBLAS) throws
        -> GradientCheck
    {
        try GradientCheck(
            GradientCheck.spec(
                data: "{source: mnist-m, shape: \(shape)}",
                layers: "[conv2d: {filters: 3, kernel: 3}, tanh, \(layer), conv2d: {filters: 2, kernel: 3}]"),
            library: library)
    }

    @Test(arguments: [
        "upsample: 2", "upsample: {factor: 3, mode: nearest}", "upsample: {factor: 2, mode: bilinear}",
        "upsample: {factor: 3, mode: bilinear}", "max_pool: 2", "max_pool: {kernel: 3, stride: 2}",
        "avg_pool: 2", "avg_pool: {kernel: 3, stride: 1}",
    ])
    func gradientsMatchFiniteDifferences(layer: String) throws {
        #expect(try gradientCheck(layer).check() > 20)
    }

    /// pythae's CIFAR networks: 4×4 kernels, stride 2, padding 1, both ways, on oneDNN in fast mode.
    @Test(arguments: [ProductLibrary.openBLAS, .oneDNN])
    func fourByFourStrideTwoConvolutionsRunOnOneDNN(library: ProductLibrary) throws {
        let check = try GradientCheck(
            GradientCheck.spec(
                data: "{source: mnist-m, shape: [8, 8, 3]}",
                layers:
                    "[conv2d: {filters: 4, kernel: 4, stride: 2, padding: 1}, relu, "
                    + "conv2d_transpose: {filters: 3, kernel: 4, stride: 2, padding: 1}]"),
            library: library)
        #expect(check.model.networks[0].output == [8, 8, 3])
        #expect(check.check() > 20)
        #expect(check.convolutionsServedByOneDNN == (library == .oneDNN ? 2 : 0))
    }

    @Test(arguments: [
        ("upsample_nearest2", LayerSpec.Kind.upsample(factor: 2, bilinear: false)),
        ("upsample_nearest3", .upsample(factor: 3, bilinear: false)),
        ("upsample_bilinear2", .upsample(factor: 2, bilinear: true)),
        ("upsample_bilinear3", .upsample(factor: 3, bilinear: true)),
        ("max_pool_k2s2", .pool(kernel: 2, stride: 2, average: false)),
        ("max_pool_k3s2", .pool(kernel: 3, stride: 2, average: false)),
        ("avg_pool_k2s2", .pool(kernel: 2, stride: 2, average: true)),
        ("avg_pool_k3s2", .pool(kernel: 3, stride: 2, average: true)),
    ])
    func matchesPyTorch(prefix: String, kind: LayerSpec.Kind) throws {
        let reference = TorchReferenceTests()
        let x = try reference.load(prefix, "x")
        let y = try reference.load(prefix, "y")
        let layer = LayerRegistry.layer(for: kind)
        #expect(try layer.outputShape(for: Array(x.shape.dropFirst())).get() == Array(y.shape.dropFirst()))
        let harness = try LayerHarness(
            layer, input: x.values, inputShape: Array(x.shape.dropFirst()), batch: x.shape[0], parameters: [],
            dOutput: try reference.load(prefix, "dy").values)
        reference.expectClose(harness.output, y.values, "\(prefix) y")
        reference.expectClose(harness.dInput, try reference.load(prefix, "dx").values, "\(prefix) dx")
    }

    @Test func poolingRefusesAnImageSmallerThanItsKernel() {
        let result = Pool(kernel: 3, stride: 2, average: false).outputShape(for: [2, 5, 4])
        #expect(result == .failure(ShapeMismatch("max_pool needs an image at least 3×3 for its kernel; found 2×5×4")))
        #expect(Upsample(factor: 2, bilinear: true).outputShape(for: [10]).isFailure)
    }
}

extension Result {
    fileprivate var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
