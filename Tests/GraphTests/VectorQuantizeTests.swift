import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// `vector_quantize`: the nearest code forward; the codebook and commitment distances each
/// differentiated towards their own side, against finite differences of the whole loss.
struct VectorQuantizeTests {
    static func spec(_ loss: String, update: String) -> String {
        """
        data: {source: mnist, shape: [6]}
        networks:
          enc:
            input: [6]
            layers: [dense: 5, tanh, dense: 3]
          q:
            layers: [vector_quantize: 4]
            outputs: {code: 3, codebook: 1, commitment: 1}
          dec:
            layers: [dense: 4, tanh, dense: 6]
        phases:
          - {name: p, loss: "\(loss)", update: \(update)}
        """
    }

    @Test func theCodebookTermMovesOnlyTheChosenCodesAndItsGradientsMatch() throws {
        let check = try GradientCheck(
            Self.spec("mean(q(enc(x)).codebook) + sse(dec(enc(x)), x)", update: "[enc, q, dec]"))
        // Codes far apart, so that no step of the finite differences changes a row's nearest code.
        check.store.tensors(network: "q", layer: 0)[0].value.set([2, 0, 0, -2, 0, 0, 0, 2, 0, 0, 0, -2])
        #expect(check.check(networks: ["q", "dec"]) > 20)
    }

    @Test func theCommitmentTermMovesOnlyTheEncoderAndItsGradientsMatch() throws {
        let check = try GradientCheck(
            Self.spec("mean(q(enc(x)).commitment) + sse(dec(enc(x)), x)", update: "[enc, q, dec]"))
        check.store.tensors(network: "q", layer: 0)[0].value.set([2, 0, 0, -2, 0, 0, 0, 2, 0, 0, 0, -2])
        #expect(check.check(networks: ["enc", "dec"]) > 20)
    }

    @Test func eachPieceOfDimValuesBecomesItsNearestCodeAndItsGradientsMatch() throws {
        let output = try LayerHarness(
            VectorQuantize(codes: 2, dim: 1), input: [0.5, -2, 0.9], inputShape: [3], batch: 1,
            parameters: [[-1, 1]], dOutput: [0, 0, 0, 0, 0]
        ).output
        let distance = Float((0.25 + 1 + 0.01) / 3)
        for (value, wanted) in zip(output, [1, -1, 1, distance, distance]) {
            #expect(abs(value - wanted) < 1e-6)
        }
        let check = try GradientCheck(
            Self.spec("mean(q(enc(x)).codebook) + sse(dec(enc(x)), x)", update: "[enc, q, dec]")
                .replacingOccurrences(of: "vector_quantize: 4", with: "vector_quantize: {codes: 3, dim: 1}"))
        check.store.tensors(network: "q", layer: 0)[0].value.set([-3, 0, 3])
        #expect(check.check(networks: ["q", "dec"]) > 10)
    }

    @Test func eachRowBecomesItsNearestCodeFollowedByItsMeanSquaredDistance() throws {
        let output = try LayerHarness(
            VectorQuantize(codes: 3), input: [0.9, 1.2, -1, 0.1], inputShape: [2], batch: 2,
            parameters: [[0, 0, 1, 1, -2, 0]], dOutput: [Float](repeating: 0, count: 8)
        ).output
        let expected: [Float] = [1, 1, 0.025, 0.025, 0, 0, 0.505, 0.505]
        for (value, wanted) in zip(output, expected) { #expect(abs(value - wanted) < 1e-6) }
    }
}
