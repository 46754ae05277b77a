/// A phase's loss as written, e.g. `mse(decoder(encoder(x)), x) + 0.1 * l1(encoder(x), 0)`.
///
/// Each node keeps its place so that errors point at the column inside the expression.
public indirect enum LossExpression: Sendable, Equatable {
    case number(Double, Origin)
    /// `x` (the data batch) or `z` (a batch from the prior), or a misused name the checker reports.
    case variable(String, Origin)
    /// A network applied to a tensor, or a loss function applied to a prediction and a target.
    case call(String, [LossExpression], Origin)
    case add(LossExpression, LossExpression, Origin)
    case subtract(LossExpression, LossExpression, Origin)
    case multiply(LossExpression, LossExpression, Origin)
    case negate(LossExpression, Origin)
    /// One named output of a network's result: `encoder(x).mu`.
    case select(LossExpression, String, Origin)
    /// A named argument of a function: `epochs: 10` in `ramp(0, 1, epochs: 10)`.
    case keyword(String, LossExpression, Origin)

    /// Where this node starts.
    public var origin: Origin {
        switch self {
        case .number(_, let o), .variable(_, let o), .call(_, _, let o), .add(_, _, let o),
            .subtract(_, _, let o), .multiply(_, _, let o), .negate(_, let o), .select(_, _, let o),
            .keyword(_, _, let o):
            return o
        }
    }

    /// The expression written back in canonical form.
    public var text: String { render(parentPrecedence: 0) }

    private var precedence: Int {
        switch self {
        case .add, .subtract: return 1
        case .multiply: return 2
        case .negate: return 3
        default: return 4
        }
    }

    private func render(parentPrecedence: Int) -> String {
        let body: String
        switch self {
        case .number(let value, _): body = LossExpression.format(value)
        case .variable(let name, _): body = name
        case .call(let name, let args, _):
            body = "\(name)(\(args.map { $0.render(parentPrecedence: 0) }.joined(separator: ", ")))"
        case .add(let a, let b, _): body = "\(a.render(parentPrecedence: 1)) + \(b.render(parentPrecedence: 2))"
        case .subtract(let a, let b, _): body = "\(a.render(parentPrecedence: 1)) - \(b.render(parentPrecedence: 2))"
        case .multiply(let a, let b, _): body = "\(a.render(parentPrecedence: 2)) * \(b.render(parentPrecedence: 3))"
        case .negate(let a, _): body = "-\(a.render(parentPrecedence: 3))"
        case .select(let a, let name, _): body = "\(a.render(parentPrecedence: 4)).\(name)"
        case .keyword(let name, let value, _): body = "\(name): \(value.render(parentPrecedence: 0))"
        }
        return precedence < parentPrecedence ? "(\(body))" : body
    }

    /// A number as the loss language writes it: `3`, not `3.0`.
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}
