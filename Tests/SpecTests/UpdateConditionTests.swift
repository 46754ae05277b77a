import Testing

@testable import Spec

/// `when:`'s small language: clauses of comparisons, each a term of the loss against a number.
struct UpdateConditionTests {
    let origin = Origin.file(SourceLocation(file: "s.yaml", line: 3, column: 11))

    @Test func clausesSplitAtOrAndComparisonsAtAnd() throws {
        let condition = try UpdateCondition.parse(
            "bce(d(x), 1) >= 0.28 and bce(d(decoder(z)), 0) >= 0.28 or bce(d(x), 1) > 1.08", origin: origin
        ).get()
        #expect(condition.clauses.count == 2)
        #expect(condition.clauses[0].map(\.relation) == [.greaterOrEqual, .greaterOrEqual])
        #expect(condition.clauses[0].map(\.term.text) == ["bce(d(x), 1)", "bce(d(decoder(z)), 0)"])
        #expect(condition.clauses[1].map(\.bound) == [1.08])
        #expect(condition.clauses[1][0].relation == .greater)
    }

    @Test func aNameContainingAndOrOrIsNotAWord() throws {
        let condition = try UpdateCondition.parse("mse(android(x), order(x)) < 1", origin: origin).get()
        #expect(condition.comparisons.count == 1)
        #expect(condition.comparisons[0].term.text == "mse(android(x), order(x))")
    }

    @Test func errorsPointInsideTheCondition() {
        guard case .failure(let missing) = UpdateCondition.parse("bce(d(x), 1) < 1 or bce(d(x), 0)", origin: origin)
        else {
            Issue.record("a bare term was accepted")
            return
        }
        #expect(missing.origin == origin.advanced(by: 20))
        #expect(missing.message.contains("expected a comparison"))
        guard case .failure(let bound) = UpdateCondition.parse("bce(d(x), 1) <= big", origin: origin)
        else {
            Issue.record("a bound that is no number was accepted")
            return
        }
        #expect(bound.origin == origin.advanced(by: 16))
        #expect(bound.message.contains("expected a number after '<='"))
    }

    @Test func theTermsOfALossAreWhatItAddsUp() throws {
        let loss = try LossExpressionParser.parse(
            "kl_normal(e(x).mu, e(x).logvar) + 0.5 * (bce(d(x), 1) - abs(mmd(a(x), z) - ramp(0, 1, epochs: 2)))",
            origin: origin
        ).get()
        #expect(
            UpdateCondition.terms(of: loss).map(\.text) == [
                "kl_normal(e(x).mu, e(x).logvar)", "bce(d(x), 1)", "mmd(a(x), z)",
            ])
    }
}
