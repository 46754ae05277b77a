import Kernels
import Testing

@testable import Graph
@testable import Spec

/// `residual: [layers…]`: gradients through both paths match finite differences, pythae's own
/// ResBlock gives the same output and gradients (fixtures made once by
/// `TorchFixtures/make_residual_fixtures.py`), a block that changes the shape is refused at its
/// place, and the block's tensors are named by their place in it.
struct ResidualTests {
    @Test(arguments: [
        // A block of dense and activation layers between trained layers: the gradient reaches the
        // first dense layer through the block and around it.
        ("{source: mnist-m, shape: [12]}", "[dense: 6, residual: [relu, dense: 5, tanh, dense: 6], tanh, dense: 3]"),
        // pythae's ResBlock shape: ReLU, 3×3 convolution, ReLU, 1×1 convolution.
        (
            "{source: mnist-m, shape: [5, 6, 3]}",
            "[conv2d: 4, residual: [relu, conv2d: {filters: 3, kernel: 3, padding: 1}, relu, conv2d: {filters: 4, kernel: 1}], tanh, conv2d: 2]"
        ),
        // A block reading the data itself (no input gradient to write), a view inside a block, and
        // a block inside a block.
        (
            "{source: mnist-m, shape: [2, 3, 2]}",
            "[residual: [flatten, dense: 12, tanh, reshape: [2, 3, 2]], flatten, dense: 3]"
        ),
        (
            "{source: mnist-m, shape: [10]}",
            "[dense: 4, residual: [dense: 4, residual: [tanh, dense: 4]], sigmoid, dense: 2]"
        ),
    ])
    func gradientsMatchFiniteDifferences(data: String, layers: String) throws {
        let check = try GradientCheck(GradientCheck.spec(data: data, layers: layers))
        #expect(check.check() > 30)
    }

    /// In fast mode the planner's library serves the block's convolutions' products (lowered to
    /// im2col: the block is one application, and a layer has one set of oneDNN primitives).
    @Test func gradientsMatchFiniteDifferencesOnOneDNN() throws {
        let check = try GradientCheck(
            GradientCheck.spec(
                data: "{source: mnist-m, shape: [5, 6, 3]}",
                layers: "[conv2d: 4, residual: [relu, conv2d: 3, relu, conv2d: {filters: 4, kernel: 1}], conv2d: 2]"),
            library: .oneDNN)
        #expect(check.check() > 30)
        #expect(check.convolutionsServedByOneDNN == 2)
    }

    @Test func pythaesResBlockComputesTheSameOutputAndGradients() throws {
        let reference = TorchReferenceTests()
        let x = try reference.load("residual", "x")
        let convolution = { (filters: Int, kernel: Int, padding: Int) in
            LayerSpec(
                kind: .conv2d(
                    ConvolutionSpec(
                        filters: filters, kernel: kernel, stride: 1, padding: .explicit(padding), outputPadding: 0,
                        bias: true)), origin: .defaulted)
        }
        let relu = LayerSpec(kind: .relu, origin: .defaulted)
        let block = Residual(layers: [relu, convolution(4, 3, 1), relu, convolution(6, 1, 0)])
        let names = ["weight1", "bias1", "weight3", "bias3"]
        let harness = try LayerHarness(
            block, input: x.values, inputShape: Array(x.shape.dropFirst()), batch: x.shape[0],
            parameters: try names.map { try reference.load("residual", $0).values },
            dOutput: try reference.load("residual", "dy").values)
        reference.expectClose(harness.output, try reference.load("residual", "y").values, "residual y")
        reference.expectClose(harness.dInput, try reference.load("residual", "dx").values, "residual dx")
        for (index, name) in names.enumerated() {
            reference.expectClose(
                harness.gradients[index], try reference.load("residual", "d" + name).values, "residual d\(name)")
        }
    }

    @Test func aBlockThatChangesTheShapeIsRefusedNamingTheNetworkAndTheLayer() throws {
        let text = GradientCheck.spec(
            data: "{source: mnist-m, shape: [5, 6, 3]}", layers: "[conv2d: 4, residual: [relu, conv2d: 5], flatten]")
        let spec = try SpecLoader.load(text: text, file: "block.yaml").get()
        guard case .failure(let problems) = ShapeInference.run(spec) else {
            Issue.record("a block from 4 to 5 channels was accepted")
            return
        }
        #expect(
            problems.diagnostics.map(\.message) == [
                "network 'net', layer 1 (residual[relu, conv2d 5 k3 s1 same]): the block's layers give 5×6×5, "
                    + "but their output is added to the block's input of 5×6×4; a block must keep its input's shape"
            ])
        #expect(problems.diagnostics.first.map { "\($0.origin.place)" } == "block.yaml:4:25")
    }

    @Test func aMismatchInsideABlockNamesTheBlocksLayer() {
        let block = Residual(layers: [LayerSpec(kind: .dense(units: 3, bias: true), origin: .defaulted)])
        #expect(
            block.outputShape(for: [4, 4, 2])
                == .failure(
                    ShapeMismatch(
                        "block layer 0 (dense 3): dense needs a flat input; found 4×4×2 (add `flatten` before it)")))
    }

    @Test func aBlockWrittenWithoutLayersIsRefusedAtItsPlace() {
        let text = GradientCheck.spec(data: "{source: mnist-m, shape: [12]}", layers: "[dense: 12, residual: relu]")
        guard case .failure(let problems) = SpecLoader.load(text: text, file: "block.yaml") else {
            Issue.record("a block of no list was accepted")
            return
        }
        #expect(
            problems.diagnostics.map(\.message) == [
                "networks.net.layers[1].residual must be a list of layers such as [relu, conv2d: 32], whose "
                    + "output is added to the block's input; found 'relu'"
            ])
    }

    @Test func aMisspeltLayerInsideABlockIsNamedByItsPlace() {
        let text = GradientCheck.spec(
            data: "{source: mnist-m, shape: [12]}", layers: "[dense: 12, residual: [relu, dense: {units: 0}]]")
        guard case .failure(let problems) = SpecLoader.load(text: text, file: "block.yaml") else {
            Issue.record("a dense layer of no units was accepted")
            return
        }
        #expect(
            problems.diagnostics.map(\.message).contains {
                $0.hasPrefix("networks.net.layers[1].residual[1].dense.units")
            })
    }

    @Test func theBlocksTensorsAreNamedByTheirPlaceInItAndFlatNetworksKeepTheirNames() throws {
        let text = GradientCheck.spec(
            data: "{source: mnist-m, shape: [12]}",
            layers: "[dense: 6, residual: [relu, dense: 5, batch_norm, relu, dense: 6], dense: 2]")
        let spec = try SpecLoader.load(text: text, file: "block.yaml").get()
        let store = ParameterStore(model: try ShapeInference.run(spec).get(), spec: spec, seed: 1)
        #expect(
            store.parameters.map(\.name) == [
                "net.layers.0.weight", "net.layers.0.bias", "net.layers.1.1.weight", "net.layers.1.1.bias",
                "net.layers.1.2.gamma", "net.layers.1.2.beta", "net.layers.1.2.running_mean",
                "net.layers.1.2.running_var", "net.layers.1.4.weight", "net.layers.1.4.bias", "net.layers.2.weight",
                "net.layers.2.bias",
            ])
        #expect(store.parameter(named: "net.layers.1.2.gamma")?.torchName == "net.layers.1.2.weight")
        // A block's weights are drawn (He: bound √(6 / fan-in) of their own layer), its biases zero.
        let inner = try #require(store.parameter(named: "net.layers.1.4.weight")).value.values
        #expect(inner.contains { $0 != 0 } && inner.allSatisfy { abs($0) <= (6 / Float(5)).squareRoot() })
        #expect(try #require(store.parameter(named: "net.layers.1.1.bias")).value.values.allSatisfy { $0 == 0 })
    }
}
