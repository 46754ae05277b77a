import Testing

@testable import Spec

struct LossExpressionParserTests {
    let start = Origin.file(SourceLocation(file: "s.yaml", line: 3, column: 11))

    func parse(_ text: String) throws -> LossExpression {
        try LossExpressionParser.parse(text, origin: start).get()
    }

    func column(_ origin: Origin) -> Int? {
        if case .file(let location) = origin { return location.column }
        return nil
    }

    @Test func nestedCallsParseIntoCalls() throws {
        let e = try parse("mse(decoder(encoder(x)), x)")
        guard case .call("mse", let args, _) = e, case .call("decoder", let inner, _) = args[0] else {
            Issue.record("unexpected tree \(e)")
            return
        }
        #expect(inner.count == 1)
        #expect(args[1] == .variable("x", start.advanced(by: 25)))
    }

    @Test func multiplicationBindsTighterThanAddition() throws {
        #expect(try parse("a(x, 1) + 0.5 * b(x, 0) - c(x, 1)").text == "a(x, 1) + 0.5 * b(x, 0) - c(x, 1)")
        guard
            case .subtract(.add(_, .multiply(.number(0.5, _), _, _), _), _, _) = try parse(
                "a(x, 1) + 0.5 * b(x, 0) - c(x, 1)")
        else {
            Issue.record("wrong precedence")
            return
        }
    }

    @Test func unaryMinusAndParenthesesRoundTrip() throws {
        #expect(try parse("-bce_logits(d(e(x)), 0)").text == "-bce_logits(d(e(x)), 0)")
        #expect(try parse("-(a(x, 1) + b(x, 1))").text == "-(a(x, 1) + b(x, 1))")
        #expect(try parse("2*-a(x,1)").text == "2 * -a(x, 1)")
    }

    @Test func numbersAcceptExponents() throws {
        #expect(try parse("1.5e-3 * a(x, 1)").text == "0.0015 * a(x, 1)")
    }

    @Test func errorsPointAtTheColumnInsideTheExpression() {
        guard case .failure(let problem) = LossExpressionParser.parse("mse(decoder(x) x)", origin: start) else {
            Issue.record("accepted a missing comma")
            return
        }
        #expect(column(problem.origin) == 11 + 15)
        #expect(problem.message == "in the loss: expected ',' or ')' in the arguments of 'mse' but found 'x'")
    }

    @Test func trailingTextIsAnError() {
        guard case .failure(let problem) = LossExpressionParser.parse("mse(x, x) )", origin: start) else {
            Issue.record("accepted a stray parenthesis")
            return
        }
        #expect(column(problem.origin) == 11 + 10)
    }

    @Test func absurdNestingIsAnErrorNotACrash() {
        let text = String(repeating: "(", count: 10_000) + "x" + String(repeating: ")", count: 10_000)
        guard case .failure(let problem) = LossExpressionParser.parse(text, origin: start) else {
            Issue.record("accepted 10,000 levels")
            return
        }
        #expect(problem.message.contains("nests too deeply"))
        let minus = String(repeating: "-", count: 10_000) + "x"
        #expect((try? LossExpressionParser.parse(minus, origin: start).get()) == nil)
    }
}
