import Foundation

/// A run of one target over `iterations` mutated inputs; input `i` depends only on `(seed, i)`, so
/// any finding is reproduced by running that one iteration again.
public struct FuzzCampaign {
    /// The reader under test.
    public var target: FuzzTarget
    /// The campaign's seed.
    public var seed: UInt64
    /// The first iteration (to reproduce a finding without running the ones before it).
    public var start = 0
    /// How many inputs to make.
    public var iterations: Int
    /// An input that takes longer than this many seconds counts as a hang.
    public var slowLimit = 1.0

    /// A campaign of `iterations` inputs for `target` from `seed`.
    public init(target: FuzzTarget, seed: UInt64, iterations: Int) {
        self.target = target
        self.seed = seed
        self.iterations = iterations
    }

    /// Input `iteration` of this campaign.
    public func input(_ iteration: Int) -> [UInt8] {
        var random = FuzzRandom(seed: seed, iteration: iteration)
        return target.mutator.input(&random)
    }

    /// Runs every input; `willRun` sees each one first (the executable records it for its crash and
    /// hang handlers), `progress` is called every `progressEvery` inputs.
    public func run(
        willRun: (Int, [UInt8]) -> Void = { _, _ in }, progressEvery: Int = 0, progress: (FuzzReport) -> Void = { _ in }
    ) -> FuzzReport {
        var report = FuzzReport(target: target.name, seed: seed, start: start)
        let mutator = target.mutator
        let began = DispatchTime.now().uptimeNanoseconds
        for iteration in start..<(start + iterations) {
            var random = FuzzRandom(seed: seed, iteration: iteration)
            let input = mutator.input(&random)
            willRun(iteration, input)
            let before = DispatchTime.now().uptimeNanoseconds
            let outcome = target.run(input)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - before) / 1e9
            report.note(outcome, iteration: iteration, input: input, seconds: seconds, slowLimit: slowLimit)
            if progressEvery > 0, report.inputs % progressEvery == 0 {
                report.seconds = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
                progress(report)
            }
        }
        report.seconds = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
        return report
    }
}

/// What a campaign saw: how many inputs were accepted and refused, and every finding.
public struct FuzzReport: Sendable {
    /// The target's name.
    public var target: String
    /// The campaign's seed and first iteration.
    public var seed: UInt64, start: Int
    /// Inputs run, accepted and refused.
    public var inputs = 0, accepted = 0, refused = 0
    /// Inputs that got an error the reader does not promise, or broke an invariant.
    public var unexpected: [FuzzFinding] = []
    /// Inputs that took longer than the campaign's limit.
    public var slow: [FuzzFinding] = []
    /// The slowest input and its time.
    public var slowestSeconds = 0.0, slowestIteration = 0
    /// Wall time of the whole campaign.
    public var seconds = 0.0

    /// Every finding, unexpected errors first.
    public var findings: [FuzzFinding] { unexpected + slow }

    mutating func note(_ outcome: FuzzOutcome, iteration: Int, input: [UInt8], seconds: Double, slowLimit: Double) {
        inputs += 1
        switch outcome {
        case .accepted: accepted += 1
        case .refused: refused += 1
        case .unexpected(let message):
            unexpected.append(FuzzFinding(iteration: iteration, message: message, input: input, seconds: seconds))
        }
        if seconds > slowLimit {
            slow.append(
                FuzzFinding(
                    iteration: iteration, message: "took \(seconds) s (limit \(slowLimit) s)", input: input,
                    seconds: seconds))
        }
        if seconds > slowestSeconds {
            slowestSeconds = seconds
            slowestIteration = iteration
        }
    }

    /// One line: counts, time and findings.
    public var summary: String {
        let rate = seconds > 0 ? Int(Double(inputs) / seconds) : 0
        return "\(target): \(inputs) inputs (seed \(seed), from \(start)) in \(String(format: "%.1f", seconds)) s "
            + "(\(rate)/s): \(accepted) accepted, \(refused) refused, \(unexpected.count) unexpected errors, "
            + "\(slow.count) slow; slowest \(String(format: "%.4f", slowestSeconds)) s (iteration \(slowestIteration))"
    }
}

/// One input that needs a look: its iteration, what happened and the bytes.
public struct FuzzFinding: Sendable {
    /// The iteration that made it (with the seed, enough to make it again).
    public var iteration: Int
    /// What went wrong.
    public var message: String
    /// The input itself.
    public var input: [UInt8]
    /// How long the reader took.
    public var seconds: Double
}
