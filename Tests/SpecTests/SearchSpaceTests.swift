import Testing

@testable import Spec

/// The distributions a random search draws a key from, and ASHA's rule, as the spec and the
/// command line write them.
struct SearchSpaceTests {
    @Test func eachKindOfDistributionReadsBackAsWritten() throws {
        #expect(try SearchDistribution.parse("uniform(0.1, 0.9)").get() == .uniform(0.1, 0.9))
        #expect(try SearchDistribution.parse("loguniform(1e-4,1e-2)").get() == .logUniform(1e-4, 1e-2))
        #expect(try SearchDistribution.parse(" int(16, 64) ").get() == .integer(16, 64))
        #expect(try SearchDistribution.parse("choice(relu, tanh)").get() == .choice(["relu", "tanh"]))
    }

    @Test func aMalformedDistributionIsRefusedWithWhatWasExpected() {
        func problem(_ text: String) -> String {
            guard case .failure(let problem) = SearchDistribution.parse(text) else { return "accepted" }
            return problem.description
        }
        #expect(problem("loguniform(0, 1)").contains("loguniform(a, b) needs 0 < a"))
        #expect(problem("uniform(2, 1)").contains("uniform(a, b) needs two numbers with a < b"))
        #expect(problem("int(1.5, 3)").contains("int(a, b) needs two whole numbers"))
        #expect(problem("logunifrom(1, 2)").contains("did you mean 'loguniform'?"))
        #expect(problem("0.001").contains("is not a distribution"))
    }

    @Test func drawsStayWithinTheirBoundsAndReachBothEnds() {
        #expect(SearchDistribution.integer(1, 3).value(at: 0) == "1")
        #expect(SearchDistribution.integer(1, 3).value(at: 0.9999) == "3")
        #expect(SearchDistribution.logUniform(1e-4, 1e-2).value(at: 0) == "0.0001")
        #expect(SearchDistribution.logUniform(1e-4, 1e-2).value(at: 0.5) == "0.001")
        #expect(SearchDistribution.choice(["a", "b"]).value(at: 0.75) == "b")
        #expect(Double(SearchDistribution.uniform(0.2, 0.4).value(at: 0.5)) == 0.3)
    }

    @Test func ashaJudgesAtEveryRungBeforeTheLastEpoch() throws {
        let rule = try PruneSpec.parse("validation_mse,1,3").get()
        #expect(rule.rungs(epochs: 4) == [1, 3])
        #expect(rule.rungs(epochs: 27) == [1, 3, 9])
        #expect(try PruneSpec.parse("validation_mse").get() == rule)
    }

    @Test func ashaRefusesAMetricNotMeasuredEveryEpoch() {
        guard case .failure(let problem) = PruneSpec.parse("validaton_mse,1,3") else {
            Issue.record("a misspelt metric was accepted")
            return
        }
        #expect(problem.description.contains("did you mean 'validation_mse'?"), "\(problem)")
    }

    @Test func aSweepSpaceWithoutASearchIsRefusedAtItsPlace() {
        let text = """
            data: {source: mnist, shape: [784]}
            networks:
              encoder: {layers: [dense: 8]}
              decoder: {layers: [dense: 784]}
            phases:
              - {name: r, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
            sweep:
              space:
                train.batch_size: choice(32, 64)
            """
        guard case .failure(let problems) = SpecLoader.load(text: text, file: "s.yaml") else {
            Issue.record("a space without a search was accepted")
            return
        }
        #expect(
            problems.diagnostics.map(\.message) == [
                "sweep.space needs a search to draw from it, e.g. search: {random: {trials: 12}}"
            ])
    }
}
