/// `abs(number)`: the absolute value of a number of the loss, for a term held near a target rather
/// than pushed down: Burgess et al.'s (2018) capacity, `abs(kl_normal(mu, logvar) - ramp(0, 25,
/// epochs: 10))`. It reads a number, not a batch, so its meaning is arithmetic of the loss's terms
/// (`ScalarExpression.absolute`); its derivative is the sign of its argument, 0 at 0.
public enum Absolute {
    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(1...1)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        guard case .batch = arguments.positional[0] else { return .absolute }
        throw FunctionProblem(
            "abs takes a number of the loss, such as abs(kl_normal(mu, logvar) - 25); found a batch "
                + "(for the mean absolute value of a batch's values use l1(…, 0))", 0)
    }

    /// |value|.
    static func value(_ argument: Double) -> Double { Swift.abs(argument) }

    /// d|a|/da at `argument`: its sign, and 0 at 0 (as PyTorch's `abs` gives).
    static func slope(_ argument: Double) -> Double { argument > 0 ? 1 : argument < 0 ? -1 : 0 }
}
