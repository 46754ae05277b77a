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
    /// `updated(phase)`: 1 when the phase at this index updates at this step, else 0.
    case updated(Int)

    /// The value, given each term's value, after `epoch` epochs of training (fractional); `updates`
    /// says which phases update at this step (empty: all, as when a loss is measured).
    public func value(_ terms: [Double], epoch: Double = 0, updates: [Bool] = []) -> Double {
        func of(_ part: ScalarExpression) -> Double { part.value(terms, epoch: epoch, updates: updates) }
        switch self {
        case .term(let index): return terms[index]
        case .updated(let phase): return updates.isEmpty || updates[phase] ? 1 : 0
        case .schedule(let schedule): return schedule.value(atEpoch: epoch)
        case .constant(let value): return value
        case .add(let a, let b): return of(a) + of(b)
        case .subtract(let a, let b): return of(a) - of(b)
        case .multiply(let a, let b): return of(a) * of(b)
        case .negate(let a): return -of(a)
        case .absolute(let a): return Absolute.value(of(a))
        }
    }

    /// Adds `upstream` · d(self)/d(term i) into `weights[i]` for every term. `shown`: as the term
    /// curves show each term, where `abs(…)` passes its terms at their own sign (its slope, ±1,
    /// flips as a term held near a target crosses it, and a curve would jump between ± its value).
    public func propagate(
        _ upstream: Double, _ terms: [Double], epoch: Double = 0, updates: [Bool] = [], shown: Bool = false,
        into weights: inout [Double]
    ) {
        func pass(_ part: ScalarExpression, _ upstream: Double) {
            part.propagate(upstream, terms, epoch: epoch, updates: updates, shown: shown, into: &weights)
        }
        func of(_ part: ScalarExpression) -> Double { part.value(terms, epoch: epoch, updates: updates) }
        switch self {
        case .term(let index): weights[index] += upstream
        case .constant, .schedule, .updated: break
        case .add(let a, let b):
            pass(a, upstream)
            pass(b, upstream)
        case .subtract(let a, let b):
            pass(a, upstream)
            pass(b, -upstream)
        case .multiply(let a, let b):
            pass(a, upstream * of(b))
            pass(b, upstream * of(a))
        case .negate(let a): pass(a, -upstream)
        case .absolute(let a): pass(a, upstream * (shown ? 1 : Absolute.slope(of(a))))
        }
    }
}
