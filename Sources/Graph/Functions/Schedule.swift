/// A factor of a loss term that follows training's progress: `ramp(0, 1, epochs: 10)` rises
/// linearly from 0 to 1 over the first ten epochs (β warm-up), then stays at 1.
public struct Schedule: Sendable, Equatable, CustomStringConvertible {
    public var start: Double
    public var end: Double
    /// How long the ramp lasts, in epochs (a fraction is a part of an epoch).
    public var epochs: Double

    public var description: String { "ramp(\(start), \(end), epochs: \(epochs))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(2...2)
        let start = try arguments.constant(0, "start", in: -1e12...1e12)
        let end = try arguments.constant(1, "end", in: -1e12...1e12)
        guard let epochs = try arguments.keyword("epochs", allowed: ["epochs"], in: 1e-9...1e9) else {
            throw FunctionProblem("ramp needs its length in epochs, as in ramp(0, 1, epochs: 10)")
        }
        return .schedule(Schedule(start: start, end: end, epochs: epochs))
    }

    /// The factor after `epochs` epochs of training (fractional within an epoch).
    public func value(atEpoch progress: Double) -> Double {
        let t = min(max(progress / epochs, 0), 1)
        return start + (end - start) * t
    }
}
