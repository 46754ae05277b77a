import Kernels
import Testing

@testable import Graph
@testable import Spec

/// `group_norm` and `layer_norm`: gradients match finite differences, and outputs, input gradients
/// and γ and β gradients match PyTorch's `nn.GroupNorm` and `nn.LayerNorm` (over C, H, W) on fixtures
/// made once by `TorchFixtures/make_image_layer_fixtures.py`.
struct NormalizationTests {
    @Test(arguments: [
        "group_norm: 3", "group_norm: {groups: 1, epsilon: 1.0e-3}", "group_norm: 6", "layer_norm",
    ])
    func gradientsMatchFiniteDifferences(layer: String) throws {
        let check = try GradientCheck(
            GradientCheck.spec(
                data: "{source: mnist-m, shape: [5, 6, 3]}",
                layers: "[conv2d: {filters: 6, kernel: 3}, \(layer), tanh, conv2d: {filters: 2, kernel: 3}]"))
        #expect(check.check() > 30)
    }

    @Test func layerNormOnAVectorMatchesFiniteDifferences() throws {
        let check = try GradientCheck(
            GradientCheck.spec(data: "{source: mnist-m, shape: [12]}", layers: "[dense: 7, layer_norm, tanh, dense: 3]")
        )
        #expect(check.check() > 30)
    }

    @Test(arguments: [
        ("group_norm_g3", LayerSpec.Kind.groupNorm(groups: 3, epsilon: 1e-5)),
        ("group_norm_g1", .groupNorm(groups: 1, epsilon: 1e-3)),
        ("layer_norm", .layerNorm(epsilon: 1e-5)),
    ])
    func matchesPyTorch(prefix: String, kind: LayerSpec.Kind) throws {
        let reference = TorchReferenceTests()
        let x = try reference.load(prefix, "x")
        let harness = try LayerHarness(
            LayerRegistry.layer(for: kind), input: x.values, inputShape: Array(x.shape.dropFirst()),
            batch: x.shape[0],
            parameters: [try reference.load(prefix, "weight").values, try reference.load(prefix, "bias").values],
            dOutput: try reference.load(prefix, "dy").values)
        reference.expectClose(harness.output, try reference.load(prefix, "y").values, "\(prefix) y")
        reference.expectClose(harness.dInput, try reference.load(prefix, "dx").values, "\(prefix) dx")
        reference.expectClose(harness.gradients[0], try reference.load(prefix, "dweight").values, "\(prefix) dweight")
        reference.expectClose(harness.gradients[1], try reference.load(prefix, "dbias").values, "\(prefix) dbias")
    }

    @Test func groupNormRefusesChannelsItsGroupsDoNotDivide() {
        #expect(
            GroupNorm(groups: 32, epsilon: 1e-5).outputShape(for: [8, 8, 48])
                == .failure(ShapeMismatch("group_norm needs channels divisible by its 32 groups; found 48 channels")))
    }
}
