/// A number a run records, by the one name every producer and reader uses: what it measures, on
/// which split, and which way is better (for early stopping, "best" in studies and the runs table).
public struct Metric: Hashable, Sendable, CustomStringConvertible {
    /// Which way is better.
    public enum Direction: Sendable, Equatable {
        case lower, higher
        /// Neither end is better (an adversary's accuracy is best at one half): no "best" is named.
        case neither
    }

    /// When a run records it.
    public enum Timing: Sendable, Equatable {
        /// At every evaluation, in the epoch records of `metrics.jsonl`, and in `metrics.json`.
        case epoch
        /// Once, after training, in `metrics.json`.
        case summary
    }

    /// What is measured on every split a run evaluates: `<split>_<measure>`.
    public enum Measure: String, CaseIterable, Sendable {
        /// The per-pixel reconstruction error.
        case mse
        /// The spec's loss (a VAE's negative ELBO) when it is more than a reconstruction term.
        case loss
        /// A classifier head's accuracy.
        case accuracy

        var direction: Direction { self == .accuracy ? .higher : .lower }
    }

    public let name: String
    /// The split it is measured on, for the per-split measures.
    public let split: Split?
    /// The per-split measure it is, if it is one.
    public let measure: Measure?
    public let direction: Direction
    public let timing: Timing
    /// A setting the run chose (a kernel width) rather than a result: not summarized by studies.
    public let isBookkeeping: Bool

    public var description: String { name }

    private init(
        _ name: String, _ direction: Direction, _ timing: Timing, split: Split? = nil, measure: Measure? = nil,
        bookkeeping: Bool = false
    ) {
        (self.name, self.direction, self.timing) = (name, direction, timing)
        (self.split, self.measure, isBookkeeping) = (split, measure, bookkeeping)
    }

    /// `measure` on `split`: `test_mse`, `validation_loss`, `train_accuracy`.
    public static func of(_ measure: Measure, on split: Split) -> Metric {
        Metric("\(split.name)_\(measure.rawValue)", measure.direction, .epoch, split: split, measure: measure)
    }

    /// How often the adversary tells prior samples from the encoder's codes of the held-out split.
    public static let discriminatorAccuracy = Metric("discriminator_accuracy", .neither, .epoch)
    /// k-NN accuracy of the labels from the encoder's codes, and from the t-SNE map.
    public static let codesKNNAccuracy = Metric("codes_knn_accuracy", .higher, .summary)
    public static let tsneKNNAccuracy = Metric("tsne_knn_accuracy", .higher, .summary)
    /// How far the codes' distribution is from the prior: means, covariances, Fréchet distance.
    public static let codesMeanDistance = Metric("codes_mean_distance", .lower, .summary)
    public static let codesCovDistance = Metric("codes_cov_distance", .lower, .summary)
    public static let codesFrechetDistance = Metric("codes_frechet_distance", .lower, .summary)
    /// The Parzen-window log-likelihood of test images under decoded prior samples, and its σ.
    public static let parzenLogLikelihood = Metric("parzen_log_likelihood", .higher, .summary)
    public static let parzenSigma = Metric("parzen_sigma", .neither, .summary, bookkeeping: true)

    /// Every metric a run can record, per-split measures first.
    public static let all: [Metric] =
        Split.allCases.flatMap { split in Measure.allCases.map { of($0, on: split) } } + [
            discriminatorAccuracy, codesKNNAccuracy, tsneKNNAccuracy, codesMeanDistance, codesCovDistance,
            codesFrechetDistance, parzenLogLikelihood, parzenSigma,
        ]

    /// The metrics an epoch's evaluation can record (what early stopping and study curves read).
    public static var perEpoch: [Metric] { all.filter { $0.timing == .epoch } }

    /// The per-epoch metrics in the order an evaluation measures them: each measure over the
    /// splits, then what has no split (the adversary's accuracy).
    public static var evaluationOrder: [Metric] {
        func rank(_ metric: Metric) -> (Int, Int) {
            guard let measure = metric.measure, let split = metric.split else { return (Int.max, 0) }
            return (Measure.allCases.firstIndex(of: measure)!, Split.allCases.firstIndex(of: split)!)
        }
        return perEpoch.sorted { rank($0) < rank($1) }
    }

    /// The names of `metrics`, for messages and suggestions.
    public static func names(_ metrics: [Metric]) -> [String] { metrics.map(\.name) }

    /// The metric called `name`, if runexp records one by that name.
    public static func named(_ name: String) -> Metric? { all.first { $0.name == name } }

    /// The summary key of a phase's final mean loss in `metrics.json`: `loss.<phase>`.
    public static func phaseLossKey(_ phase: String) -> String { "loss.\(phase)" }

    /// Which way is better for a key of `metrics.json`: a registered metric's direction, lower for
    /// a phase's loss, nil for anything else (counts, digests).
    public static func direction(ofKey key: String) -> Direction? {
        if let metric = named(key) { return metric.direction }
        return key.hasPrefix(phaseLossKey("")) ? .lower : nil
    }
}

/// The keys of `metrics.json` that count the run rather than measure it.
public enum RunCount: String, CaseIterable, Sendable {
    case epochs, steps
    /// With early stopping, the epoch whose parameters the run kept.
    case bestEpoch = "best_epoch"
    /// A digest of the final parameters (a string, not a number).
    case parameterDigest = "parameter_digest"

    /// The key as written.
    public var key: String { rawValue }
}
