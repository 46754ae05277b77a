import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// `ms_ssim`: its backward pass on either side against finite differences of the whole loss, and
/// its value against pythae 0.1.2's own MSSSIM on fixed image pairs.
struct MultiScaleSimilarityTests {
    /// Networks `a` and `b` from 9×8×2 images (an odd height, so pooling drops a row; two channels;
    /// three scales: 9×8, 4×4, 2×2) to images of that shape, around `loss`. The factor 100 lifts the
    /// gradients above the check's absolute tolerance.
    static func spec(_ loss: String, update: String) -> String {
        """
        data: {source: mnist, shape: [9, 8, 2]}
        networks:
          a:
            layers: [flatten, dense: 6, tanh, dense: 144, sigmoid, reshape: [9, 8, 2]]
          b:
            layers: [flatten, dense: 5, tanh, dense: 144, sigmoid, reshape: [9, 8, 2]]
        phases:
          - {name: p, loss: "100 * \(loss)", update: \(update)}
        """
    }

    @Test func gradientsMatchWhenOnlyOneSideIsTrained() throws {
        let check = try GradientCheck(Self.spec("(ms_ssim(a(x), x) + ms_ssim(x, b(x)))", update: "[a, b]"))
        #expect(check.check(perTensor: 16) > 80)
    }

    @Test func gradientsMatchOnBothSidesWithAnotherWindow() throws {
        let check = try GradientCheck(Self.spec("ms_ssim(a(x), b(x), window: 5)", update: "[a, b]"))
        #expect(check.check(perTensor: 12) > 60)
    }

    /// pythae's value: with ~/.venv-torch (pythae 0.1.2, torch, float32),
    /// `MSSSIM(window_size=11)(x, y)` on N×C×H×W tensors built from these same formulas
    /// (sample n, channel k, row i, column j, computed in float64 and stored as float32).
    static func pair(images: Int, height: Int, width: Int, channels: Int) -> (x: [Float], y: [Float]) {
        var x: [Float] = [], y: [Float] = []
        for n in 0..<images {
            for i in 0..<height {
                for j in 0..<width {
                    for k in 0..<channels {
                        let (n, i, j, k) = (Double(n), Double(i), Double(j), Double(k))
                        x.append(Float(0.5 + 0.4 * sin(0.3 * i + 0.7 * j + n + 1.3 * k)))
                        y.append(Float(0.5 + 0.4 * cos(0.5 * i - 0.2 * j + 2 * n + 0.9 * k)))
                    }
                }
            }
        }
        return (x, y)
    }

    static func value(_ x: [Float], _ y: [Float], images: Int, shape: [Int]) -> Double {
        let function = MultiScaleSimilarity(height: shape[0], width: shape[1], channels: shape[2], window: 11)
        let inputs = [FloatBuffer(count: x.count), FloatBuffer(count: y.count)]
        inputs[0].set(x)
        inputs[1].set(y)
        let scratch = FloatBuffer(count: function.scratch(inputs: [shape, shape], batch: images))
        return function.forward(
            TermBuffers(
                batch: images, inputShapes: [shape, shape], inputs: inputs.map(\.pointer), dInputs: [nil, nil],
                scratch: scratch.pointer))
    }

    @Test(arguments: [
        // 4 scales (28, 14, 7, 3): pythae gives 0.3204305171966553.
        ([2, 28, 28, 1], 0.3204305171966553),
        // 3 scales (12×10, 6×5, 3×2), two channels: pythae gives 0.27561116218566895.
        ([1, 12, 10, 2], 0.27561116218566895),
    ])
    func valueIsPythaesOnAFixedPair(_ size: [Int], _ pythae: Double) {
        let (x, y) = Self.pair(images: size[0], height: size[1], width: size[2], channels: size[3])
        let shape = Array(size.dropFirst())
        let value = Self.value(x, y, images: size[0], shape: shape)
        #expect(abs(value - pythae) < 2e-6, "ms_ssim \(value), pythae \(pythae)")
        #expect(abs(Self.value(x, x, images: size[0], shape: shape)) < 1e-6)
    }

    @Test func scalesAndWeightsFollowTheSmallerSide() {
        let mnist = MultiScaleSimilarity(height: 28, width: 28, channels: 1, window: 11)
        #expect(mnist.scales(batch: 1).map(\.height) == [28, 14, 7, 3])
        #expect(MultiScaleSimilarity(height: 40, width: 7, channels: 1, window: 11).weights == [0.3222, 0.6778])
        #expect(MultiScaleSimilarity(height: 32, width: 32, channels: 3, window: 11).weights.count == 5)
    }
}

/// What `ms_ssim`'s argument rule refuses, and why.
struct MultiScaleSimilarityArgumentTests {
    static func problem(_ shapes: [[Int]], window: Double? = nil, draws: [Int]? = nil) -> String? {
        let arguments = FunctionArguments(
            function: .msSSIM, positional: shapes.map { .batch($0, labels: false) },
            keywords: window.map { [("window", $0)] } ?? [], classes: nil, draws: draws)
        switch FunctionRegistry.resolve(arguments) {
        case .success: return nil
        case .failure(let problem): return problem.message
        }
    }

    @Test func imagesOfOneShapeAndAnOddWindowAreAccepted() {
        #expect(Self.problem([[28, 28, 1], [28, 28, 1]]) == nil)
        #expect(Self.problem([[4, 6, 3], [4, 6, 3]], window: 7) == nil)
    }

    @Test func flatRowsDifferentShapesTinyImagesEvenWindowsAndUnevenDrawsAreRefused() {
        #expect(Self.problem([[784], [784]])?.contains("height×width×channels; found 784") == true)
        #expect(Self.problem([[28, 28, 1], [14, 14, 1]])?.contains("found 28×28×1 and 14×14×1") == true)
        #expect(Self.problem([[3, 28, 1], [3, 28, 1]])?.contains("at least 4×4") == true)
        #expect(
            Self.problem([[28, 28, 1], [28, 28, 1]], window: 10)?.contains("odd number of pixels; found 10") == true)
        #expect(Self.problem([[28, 28, 1], [28, 28, 1]], draws: [5, 1])?.contains("5 and 1 draws") == true)
    }
}

/// `ms_ssim(decoder(…), x)` makes the decoder's output the model's reconstruction (its test MSE,
/// its reconstructions output), as a pixel loss against `x` does.
struct MultiScaleSimilarityRoleTests {
    static func roles(_ loss: String) throws -> ModelRoles {
        let text = """
            data: {source: mnist, shape: [8, 8, 1]}
            networks:
              enc: {layers: [flatten, dense: 8], outputs: {mu: 4, logvar: 4}}
              dec: {layers: [dense: 64, sigmoid, reshape: [8, 8, 1]]}
            phases:
              - {name: p, loss: "\(loss) + kl_normal(enc(x).mu, enc(x).logvar)", update: [enc, dec]}
            """
        return try ShapeInference.run(try SpecLoader.load(text: text, file: "m.yaml").get()).get().roles
    }

    @Test func theImageComparedWithXIsTheReconstruction() throws {
        let roles = try Self.roles("ms_ssim(dec(sample_normal(enc(x).mu, enc(x).logvar)), x)")
        #expect(roles.reconstruction?.phase == 0 && roles.reconstruction?.logits == false)
        #expect(roles.measuredPhase == 0)
        #expect(try Self.roles("ms_ssim(x, dec(enc(x).mu))").reconstruction == nil)
    }
}
