import Foundation
import Kernels
import RunFolder
import Spec

/// A TPE search's settings (Bergstra et al., 2011; univariate, as Optuna's TPESampler by default):
/// the first `startup` trials keep their random draws; each later trial, when it starts, draws each
/// key from the trials that have ended: the best ⌈10%⌉ of them (at most 25) make a Parzen estimator
/// l(x), the rest g(x), and of 24 draws from l the one with the largest l(x)/g(x) is taken. A
/// pruned trial counts below every complete one.
public enum TPESearch {
    /// `trial` with its setting proposed from the ended trials of `record` when it is a TPE trial
    /// past the startup ones that has not started yet (one that was interrupted keeps the setting
    /// its checkpoint was trained with); `record` keeps the setting (study.json records it).
    public static func settle(_ trial: Trial, record: inout StudyRecord, study: StudyFolder) -> Trial {
        let request = record.matrix.request
        guard let tpe = request.tpe, trial.index >= tpe.startup, record.statuses[trial.index] == .pending else {
            return trial
        }
        let lowerIsBetter = Metric.direction(ofKey: tpe.metric) != .higher
        var ended: [(setting: Setting, value: Double?)] = []
        for other in record.matrix.trials where other.index != trial.index {
            switch record.statuses[other.index] {
            case .complete:
                let value = StudySummary.readMetrics(study.trialFolder(other))?[tpe.metric]
                ended.append((other.setting, value.map { lowerIsBetter ? $0 : -$0 }))
            case .pruned: ended.append((other.setting, nil))
            default: continue
            }
        }
        guard !ended.isEmpty else { return trial }
        // Best first; pruned (and unmeasured) trials after every measured one, in trial order.
        let ranked = ended.enumerated().sorted { a, b in
            switch (a.element.value, b.element.value) {
            case (let x?, let y?): return x < y || (x == y && a.offset < b.offset)
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.offset < b.offset
            }
        }.map(\.element.setting)
        let below = min(Int((0.1 * Double(ranked.count)).rounded(.up)), 25)
        var stream = RandomStream(seed: request.seeds[0], name: "study/tpe/\(trial.folderName)")
        let values = request.space.map { entry -> Setting.Assignment in
            let observed = { (settings: ArraySlice<Setting>) in
                settings.compactMap { $0.values.first { $0.key == entry.key }?.value }
            }
            let value = propose(
                entry.distribution, good: observed(ranked[..<below]), bad: observed(ranked[below...]), &stream)
            return Setting.Assignment(key: entry.key, value: value)
        }
        record.matrix.assign(Setting(values: values), to: trial.index)
        return record.matrix.trials[trial.index]
    }

    /// Of 24 draws from the estimator of the good values, the one the good estimator favours most
    /// over the bad one.
    static func propose(
        _ distribution: SearchDistribution, good: [String], bad: [String], _ stream: inout RandomStream
    ) -> String {
        if case .choice(let values) = distribution {
            let l = categorical(values, good), g = categorical(values, bad)
            var best = 0, bestScore = -Double.infinity
            for _ in 0..<24 {
                let drawn = pick(l, stream.nextUniformDouble())
                let score = log(l[drawn]) - log(g[drawn])
                if score > bestScore { (best, bestScore) = (drawn, score) }
            }
            return values[best]
        }
        let (low, high) = bounds(distribution)
        let l = ParzenEstimator(good.compactMap { transform(distribution, $0) }, low: low, high: high)
        let g = ParzenEstimator(bad.compactMap { transform(distribution, $0) }, low: low, high: high)
        var best = l.draw(&stream), bestScore = -Double.infinity
        for _ in 0..<24 {
            let drawn = l.draw(&stream)
            let score = l.logDensity(drawn) - g.logDensity(drawn)
            if score > bestScore { (best, bestScore) = (drawn, score) }
        }
        switch distribution {
        case .uniform: return SearchDistribution.short(best)
        case .logUniform: return SearchDistribution.short(exp(best))
        case .integer(let a, let b): return String(min(max(Int(best.rounded()), a), b))
        case .choice: return ""
        }
    }

    /// The range the estimator works in: log space for `loguniform`, half a step beyond an
    /// integer range's ends so that each integer has a whole unit.
    static func bounds(_ distribution: SearchDistribution) -> (Double, Double) {
        switch distribution {
        case .uniform(let a, let b): return (a, b)
        case .logUniform(let a, let b): return (log(a), log(b))
        case .integer(let a, let b): return (Double(a) - 0.5, Double(b) + 0.5)
        case .choice: return (0, 1)
        }
    }

    static func transform(_ distribution: SearchDistribution, _ text: String) -> Double? {
        guard let value = Double(text) else { return nil }
        if case .logUniform = distribution { return value > 0 ? log(value) : nil }
        return value
    }

    /// Each category's weight: one for every observation of it, plus a prior of one spread evenly.
    static func categorical(_ values: [String], _ observed: [String]) -> [Double] {
        var weights = Array(repeating: 1 / Double(values.count), count: values.count)
        for value in observed { if let index = values.firstIndex(of: value) { weights[index] += 1 } }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    static func pick(_ weights: [Double], _ u: Double) -> Int {
        var sum = 0.0
        for (index, weight) in weights.enumerated() {
            sum += weight
            if u < sum { return index }
        }
        return weights.count - 1
    }
}

/// A mixture of normals truncated to [low, high], one at each observation plus a prior over the
/// whole range, each as wide as the larger gap to its neighbours (clipped between the range over
/// min(100, 1 + n) and the whole range): Optuna's Parzen estimator for one numeric key.
struct ParzenEstimator {
    let low: Double, high: Double
    var means: [Double] = [], widths: [Double] = []

    init(_ observations: [Double], low: Double, high: Double) {
        (self.low, self.high) = (low, high)
        let range = high - low
        let sorted = (observations.map { min(max($0, low), high) } + [(low + high) / 2]).sorted()
        let smallest = range / min(100, 1 + Double(observations.count))
        for (index, mean) in sorted.enumerated() {
            let left = index > 0 ? mean - sorted[index - 1] : mean - low
            let right = index + 1 < sorted.count ? sorted[index + 1] - mean : high - mean
            means.append(mean)
            widths.append(min(max(max(left, right), smallest), range))
        }
        // The prior is the whole range wide.
        if let prior = means.firstIndex(of: (low + high) / 2) { widths[prior] = range }
    }

    func draw(_ stream: inout RandomStream) -> Double {
        let component = min(Int(stream.nextUniformDouble() * Double(means.count)), means.count - 1)
        for _ in 0..<100 {
            let value = means[component] + widths[component] * Double(stream.nextNormal())
            if value >= low, value <= high { return value }
        }
        return min(max(means[component], low), high)
    }

    func logDensity(_ x: Double) -> Double {
        var total = 0.0
        for (mean, width) in zip(means, widths) {
            let z = (x - mean) / width
            let mass = Self.cdf((high - mean) / width) - Self.cdf((low - mean) / width)
            total += exp(-0.5 * z * z) / (width * (2 * Double.pi).squareRoot() * max(mass, 1e-12))
        }
        return log(max(total / Double(means.count), 1e-300))
    }

    static func cdf(_ z: Double) -> Double { 0.5 * (1 + erf(z / 2.0.squareRoot())) }
}
