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
    /// `abs(…)`.
    case absolute(ScalarExpression)
    /// A factor that follows training's progress.
    case schedule(Schedule)

    /// The value, given each term's value, after `epoch` epochs of training (fractional).
    public func value(_ terms: [Double], epoch: Double = 0) -> Double {
        switch self {
        case .term(let index): return terms[index]
        case .schedule(let schedule): return schedule.value(atEpoch: epoch)
        case .constant(let value): return value
        case .add(let a, let b): return a.value(terms, epoch: epoch) + b.value(terms, epoch: epoch)
        case .subtract(let a, let b): return a.value(terms, epoch: epoch) - b.value(terms, epoch: epoch)
        case .multiply(let a, let b): return a.value(terms, epoch: epoch) * b.value(terms, epoch: epoch)
        case .negate(let a): return -a.value(terms, epoch: epoch)
        case .absolute(let a): return Absolute.value(a.value(terms, epoch: epoch))
        }
    }

    /// Adds `upstream` · d(self)/d(term i) into `weights[i]` for every term. `shown`: as the term
    /// curves show each term, where `abs(…)` passes its terms at their own sign (its slope, ±1,
    /// flips as a term held near a target crosses it, and a curve would jump between ± its value).
    public func propagate(
        _ upstream: Double, _ terms: [Double], epoch: Double = 0, shown: Bool = false, into weights: inout [Double]
    ) {
        switch self {
        case .term(let index): weights[index] += upstream
        case .constant, .schedule: break
        case .add(let a, let b):
            a.propagate(upstream, terms, epoch: epoch, shown: shown, into: &weights)
            b.propagate(upstream, terms, epoch: epoch, shown: shown, into: &weights)
        case .subtract(let a, let b):
            a.propagate(upstream, terms, epoch: epoch, shown: shown, into: &weights)
            b.propagate(-upstream, terms, epoch: epoch, shown: shown, into: &weights)
        case .multiply(let a, let b):
            a.propagate(upstream * b.value(terms, epoch: epoch), terms, epoch: epoch, shown: shown, into: &weights)
            b.propagate(upstream * a.value(terms, epoch: epoch), terms, epoch: epoch, shown: shown, into: &weights)
        case .negate(let a): a.propagate(-upstream, terms, epoch: epoch, shown: shown, into: &weights)
        case .absolute(let a):
            let slope = shown ? 1 : Absolute.slope(a.value(terms, epoch: epoch))
            a.propagate(upstream * slope, terms, epoch: epoch, shown: shown, into: &weights)
        }
    }
}
