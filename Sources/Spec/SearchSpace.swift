import Foundation

/// What a random search draws one spec key's value from: `uniform(a, b)`, `loguniform(a, b)`,
/// `int(a, b)` (both ends included) or `choice(v1, v2, …)`, written the same way in a spec's
/// `sweep.space` and on the command line (`--space key=loguniform(1e-4, 1e-2)`).
public enum SearchDistribution: Sendable, Equatable, CustomStringConvertible {
    case uniform(Double, Double)
    case logUniform(Double, Double)
    case integer(Int, Int)
    case choice([String])

    /// The kinds, for messages.
    public static let kinds = ["uniform", "loguniform", "int", "choice"]

    /// The distribution `text` writes, or why it is not one.
    public static func parse(_ text: String) -> Result<SearchDistribution, SearchSpaceProblem> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") else {
            return .failure(
                SearchSpaceProblem(
                    "'\(text)' is not a distribution: write uniform(a, b), loguniform(a, b), int(a, b) or choice(v1, v2, …)"
                ))
        }
        let kind = String(trimmed[..<open]).trimmingCharacters(in: .whitespaces)
        let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        let parts = inner.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        switch kind {
        case "choice":
            guard !parts.contains(where: \.isEmpty) else {
                return .failure(SearchSpaceProblem("choice(…) needs values separated by commas; found '\(text)'"))
            }
            return .success(.choice(parts))
        case "uniform", "loguniform":
            guard parts.count == 2, let low = Double(parts[0]), let high = Double(parts[1]), low < high else {
                return .failure(SearchSpaceProblem("\(kind)(a, b) needs two numbers with a < b; found '\(text)'"))
            }
            if kind == "loguniform", low <= 0 {
                return .failure(SearchSpaceProblem("loguniform(a, b) needs 0 < a; found '\(text)'"))
            }
            return .success(kind == "uniform" ? .uniform(low, high) : .logUniform(low, high))
        case "int":
            guard parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), low <= high else {
                return .failure(SearchSpaceProblem("int(a, b) needs two whole numbers with a ≤ b; found '\(text)'"))
            }
            return .success(.integer(low, high))
        default:
            return .failure(
                SearchSpaceProblem(
                    "'\(kind)' is not a distribution\(NearestName.hint(kind, in: kinds)); write one of uniform, loguniform, int, choice"
                ))
        }
    }

    /// The value a draw `u` in [0, 1) picks, as `--set` takes it: four significant digits for the
    /// continuous kinds (a label stays readable and the spec reads back the same number).
    public func value(at u: Double) -> String {
        switch self {
        case .uniform(let low, let high): return Self.short(low + u * (high - low))
        case .logUniform(let low, let high): return Self.short(exp(log(low) + u * (log(high) - log(low))))
        case .integer(let low, let high): return String(low + min(Int(u * Double(high - low + 1)), high - low))
        case .choice(let values): return values[min(Int(u * Double(values.count)), values.count - 1)]
        }
    }

    public static func short(_ value: Double) -> String {
        var text = String(format: "%.4g", value)
        if text.contains("e"), !text.contains(".") { text = text.replacingOccurrences(of: "e", with: ".0e") }
        return text
    }

    public var description: String {
        switch self {
        case .uniform(let low, let high): return "uniform(\(low), \(high))"
        case .logUniform(let low, let high): return "loguniform(\(low), \(high))"
        case .integer(let low, let high): return "int(\(low), \(high))"
        case .choice(let values): return "choice(\(values.joined(separator: ", ")))"
        }
    }
}

/// Why a search distribution or pruning rule is not one.
public struct SearchSpaceProblem: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// `sweep.search: {tpe: {trials, metric, startup}}`: the tree-structured Parzen estimator
/// (Bergstra et al., 2011) as Optuna defines it: the first `startup` settings are drawn at random,
/// each later one from the settings that did best so far on `metric`.
public struct TPESpec: Sendable, Equatable {
    public var metric: String
    public var startup: Int

    public init(metric: String, startup: Int) {
        self.metric = metric
        self.startup = startup
    }
}

/// `sweep.prune: {asha: {metric, min_epochs, reduction}}`: asynchronous successive halving (Li et
/// al., 2020). At each rung (after min_epochs, min_epochs·reduction, … epochs) a trial goes on only
/// when its metric is among the best 1/reduction of the trials that reached that rung.
public struct PruneSpec: Sendable, Equatable {
    public var metric: String
    public var minEpochs: Int
    public var reduction: Int

    public init(metric: String, minEpochs: Int, reduction: Int) {
        self.metric = metric
        self.minEpochs = minEpochs
        self.reduction = reduction
    }

    /// The epochs at which a trial of `epochs` epochs is judged: those before its last.
    public func rungs(epochs: Int) -> [Int] {
        var rungs: [Int] = [], rung = minEpochs
        while rung < epochs {
            rungs.append(rung)
            rung *= reduction
        }
        return rungs
    }

    /// The command line's form, `validation_mse,1,3`, and back.
    public var text: String { "\(metric),\(minEpochs),\(reduction)" }

    public static func parse(_ text: String) -> Result<PruneSpec, SearchSpaceProblem> {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...3).contains(parts.count), !parts[0].isEmpty else {
            return .failure(
                SearchSpaceProblem("ASHA is metric[,min_epochs[,reduction]], e.g. validation_mse,1,3; found '\(text)'"))
        }
        let minEpochs = parts.count > 1 ? Int(parts[1]) : 1, reduction = parts.count > 2 ? Int(parts[2]) : 3
        guard let minEpochs, minEpochs >= 1, let reduction, reduction >= 2 else {
            return .failure(
                SearchSpaceProblem("ASHA's min_epochs must be 1 or more and its reduction 2 or more; found '\(text)'"))
        }
        guard let metric = Metric.named(parts[0]), metric.timing == .epoch else {
            let names = Metric.all.filter { $0.timing == .epoch }.map(\.name)
            return .failure(
                SearchSpaceProblem(
                    "ASHA watches a metric measured every epoch; '\(parts[0])' is not one\(NearestName.hint(parts[0], in: names))"
                ))
        }
        return .success(PruneSpec(metric: metric.name, minEpochs: minEpochs, reduction: reduction))
    }
}
