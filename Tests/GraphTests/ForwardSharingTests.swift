import Testing

@testable import Graph
@testable import Spec

/// A phase copying a forward pass an earlier phase of the same step already ran.
extension PhaseTests {
    /// The AAE's (or `text`'s) programs, linked by `shareForwardPasses`.
    func sharedPrograms(_ text: String = aae) throws -> [PhaseProgram] {
        try plannedPhases(text, sharing: true).phases
    }

    @Test func theGeneratorPhaseCopiesTheEncoderPassOfTheDiscriminatorPhase() throws {
        let programs = try sharedPrograms()
        // The encoder is two dense runs (tanh fused into the first). The discriminator phase cannot
        // copy from the reconstruction phase, which updates the encoder after its forward pass.
        #expect(programs.map(\.copiedRunCount) == [0, 0, 2])
    }

    @Test func sharingForwardPassesBetweenPhasesChangesNoBits() throws {
        let shared = try train(seed: 11, sharing: true), computed = try train(seed: 11)
        let identical = shared == computed
        #expect(identical, "copying the encoder's pass changed the trained parameters")
        #expect(shared.joined().contains { $0 != 0 })
    }

    @Test func noPhaseCopiesAPassOfANetworkAPhaseInBetweenUpdates() throws {
        let reordered = Self.aae.replacingOccurrences(
            of: """
                  - name: discriminator
                    loss: bce_logits(discriminator(z), 1) + bce_logits(discriminator(encoder(x)), 0)
                    update: [discriminator]
                  - {name: generator, loss: "bce_logits(discriminator(encoder(x)), 1)", update: [encoder]}
                """,
            with: """
                  - {name: generator, loss: "bce_logits(discriminator(encoder(x)), 1)", update: [encoder]}
                  - name: discriminator
                    loss: bce_logits(discriminator(z), 1) + bce_logits(discriminator(encoder(x)), 0)
                    update: [discriminator]
                """)
        #expect(reordered != Self.aae)
        #expect(try sharedPrograms(reordered).map(\.copiedRunCount) == [0, 0, 0])
    }

    @Test func noPhaseCopiesAPassThroughDropout() throws {
        let withDropout = Self.aae.replacingOccurrences(
            of: "encoder: {layers: [dense: 6, tanh, dense: 3]}",
            with: "encoder: {layers: [dense: 6, tanh, dropout: 0.5, dense: 3]}")
        #expect(withDropout != Self.aae)
        #expect(try sharedPrograms(withDropout).map(\.copiedRunCount) == [0, 0, 0])
    }
}
