/// The scalar part of a loss: how the loss terms combine (`a + 0.1 * b`, `-c`).
///
/// Forward evaluates it from the terms' values; backward gives each term its weight in the total,
/// d(total)/d(term), which becomes the upstream factor of that term's gradient.
public indirect enum ScalarExpression: Sendable {
    case term(Int)
    case constant(Double)
    case add(ScalarExpression, ScalarExpression)
    case subtract(ScalarExpression, ScalarExpression)
    case multiply(ScalarExpression, ScalarExpression)
    case negate(ScalarExpression)

    /// The value, given each term's value.
    public func value(_ terms: [Double]) -> Double {
        switch self {
        case .term(let index): return terms[index]
        case .constant(let value): return value
        case .add(let a, let b): return a.value(terms) + b.value(terms)
        case .subtract(let a, let b): return a.value(terms) - b.value(terms)
        case .multiply(let a, let b): return a.value(terms) * b.value(terms)
        case .negate(let a): return -a.value(terms)
        }
    }

    /// Adds `upstream` · d(self)/d(term i) into `weights[i]` for every term.
    public func propagate(_ upstream: Double, _ terms: [Double], into weights: inout [Double]) {
        switch self {
        case .term(let index): weights[index] += upstream
        case .constant: break
        case .add(let a, let b):
            a.propagate(upstream, terms, into: &weights)
            b.propagate(upstream, terms, into: &weights)
        case .subtract(let a, let b):
            a.propagate(upstream, terms, into: &weights)
            b.propagate(-upstream, terms, into: &weights)
        case .multiply(let a, let b):
            a.propagate(upstream * b.value(terms), terms, into: &weights)
            b.propagate(upstream * a.value(terms), terms, into: &weights)
        case .negate(let a): a.propagate(-upstream, terms, into: &weights)
        }
    }
}
