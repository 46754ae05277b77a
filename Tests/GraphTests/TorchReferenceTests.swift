import Data
import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// Forward outputs and input and weight gradients match PyTorch's on fixtures made once by
/// `TorchFixtures/make_fixtures.py` (PyTorch 2.13, CPU) and committed as .npy.
///
/// Tolerance: float32 sums of up to a few hundred products, accumulated in a different order than
/// PyTorch's, differ by a few ulps of the largest partial sum; 1e-4 relative to the largest value of
/// each array (plus 1e-5 absolute) covers that and nothing a real mistake would produce.
struct TorchReferenceTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "TorchFixtures")

    func load(_ prefix: String, _ name: String) throws -> (values: [Float], shape: [Int]) {
        let array = try NPY.read(path: Self.folder.appendingPathComponent("\(prefix)_\(name).npy").path)
        return (array.floats(), array.shape)
    }

    func expectClose(_ actual: [Float], _ expected: [Float], _ what: String) {
        #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)")
        let scale = expected.map(abs).max() ?? 1
        let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-5 + 1e-4 * scale, "\(what): largest difference \(worst) for values up to \(scale)")
    }

    func convolution(
        _ prefix: String, _ kind: (ConvolutionSpec) -> any Layer, _ settings: ConvolutionSpec,
        on library: ProductLibrary
    ) throws {
        let x = try load(prefix, "x")
        let harness = try LayerHarness(
            kind(settings), input: x.values, inputShape: Array(x.shape.dropFirst()), batch: x.shape[0],
            parameters: [try load(prefix, "weight").values, try load(prefix, "bias").values],
            dOutput: try load(prefix, "dy").values, library: library)
        #expect(harness.servedByOneDNN == (library == .oneDNN), "\(prefix) on \(library)")
        expectClose(harness.output, try load(prefix, "y").values, "\(prefix) y")
        expectClose(harness.dInput, try load(prefix, "dx").values, "\(prefix) dx")
        expectClose(harness.gradients[0], try load(prefix, "dweight").values, "\(prefix) dweight")
        expectClose(harness.gradients[1], try load(prefix, "dbias").values, "\(prefix) dbias")
    }

    @Test(arguments: [ProductLibrary.openBLAS, .oneDNN])
    func conv2dMatchesPyTorch(library: ProductLibrary) throws {
        try convolution(
            "conv2d_s2p1", { Conv2D(settings: $0) },
            ConvolutionSpec(filters: 4, kernel: 3, stride: 2, padding: .explicit(1), outputPadding: 0, bias: true),
            on: library)
        try convolution(
            "conv2d_s1p0", { Conv2D(settings: $0) },
            ConvolutionSpec(filters: 3, kernel: 3, stride: 1, padding: .explicit(0), outputPadding: 0, bias: true),
            on: library)
    }

    @Test(arguments: [ProductLibrary.openBLAS, .oneDNN])
    func conv2dTransposeMatchesPyTorch(library: ProductLibrary) throws {
        try convolution(
            "conv2d_transpose_s2p1op1", { Conv2DTranspose(settings: $0) },
            ConvolutionSpec(filters: 3, kernel: 3, stride: 2, padding: .explicit(1), outputPadding: 1, bias: true),
            on: library)
        try convolution(
            "conv2d_transpose_s3p0", { Conv2DTranspose(settings: $0) },
            ConvolutionSpec(filters: 2, kernel: 4, stride: 3, padding: .explicit(0), outputPadding: 0, bias: true),
            on: library)
    }

    @Test func batchNormMatchesPyTorchInTrainingMode() throws {
        let x = try load("batch_norm", "x")
        let channels = x.shape.last!
        let harness = try LayerHarness(
            BatchNorm(momentum: 0.1, epsilon: 1e-5), input: x.values, inputShape: Array(x.shape.dropFirst()),
            batch: x.shape[0],
            parameters: [
                try load("batch_norm", "gamma").values, try load("batch_norm", "beta").values,
                Array(repeating: 0, count: channels), Array(repeating: 1, count: channels),
            ],
            dOutput: try load("batch_norm", "dy").values)
        expectClose(harness.output, try load("batch_norm", "y").values, "batch_norm y")
        expectClose(harness.dInput, try load("batch_norm", "dx").values, "batch_norm dx")
        expectClose(harness.gradients[0], try load("batch_norm", "dgamma").values, "batch_norm dgamma")
        expectClose(harness.gradients[1], try load("batch_norm", "dbeta").values, "batch_norm dbeta")
        expectClose(harness.parameters[2], try load("batch_norm", "running_mean").values, "running_mean")
        expectClose(harness.parameters[3], try load("batch_norm", "running_var").values, "running_var")
    }

    @Test func bceLogitsMatchesPyTorchIncludingLargeLogits() throws {
        let logits = try load("bce_logits", "logits").values, targets = try load("bce_logits", "targets").values
        let expected = try load("bce_logits", "loss").values[0]
        let loss = logits.withUnsafeBufferPointer { l in
            targets.withUnsafeBufferPointer { t in
                lossForward(
                    kind: .bceLogits, prediction: l.baseAddress!, target: .buffer(t.baseAddress!),
                    count: logits.count)
            }
        }
        #expect(abs(loss - expected) <= 1e-5 * max(1, abs(expected)))
        var gradient = [Float](repeating: 0, count: logits.count)
        logits.withUnsafeBufferPointer { l in
            targets.withUnsafeBufferPointer { t in
                gradient.withUnsafeMutableBufferPointer { g in
                    lossBackward(
                        dPrediction: g.baseAddress!, prediction: l.baseAddress!, target: .buffer(t.baseAddress!),
                        count: logits.count, kind: .bceLogits, upstream: 1, accumulate: false)
                }
            }
        }
        expectClose(gradient, try load("bce_logits", "dlogits").values, "bce_logits gradient")
    }
}
