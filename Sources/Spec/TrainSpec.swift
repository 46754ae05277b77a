/// How long and in what batches to train.
public struct TrainSpec: Sendable, Equatable {
    public var epochs: Int
    public var batchSize: Int
    /// Reshuffle the training set (from the seed's shuffle stream) every epoch.
    public var shuffle: Bool
    /// How often the phase losses are recorded.
    public var logEvery: LogInterval
    /// Stop when a metric has not improved for some epochs, keeping the best epoch's parameters.
    public var earlyStop: EarlyStopSpec? = nil
    /// Which splits are measured after which epochs.
    public var evaluate: EvaluationSpec = .standard
    /// After which epochs the checkpoint is written.
    public var checkpointEvery: CheckpointInterval = .auto
    /// Whether a step's phases update in turn or together, and where that was said.
    public var updates = StepUpdates.inTurn
    public var updatesOrigin = Origin.defaulted
}

/// `train.early_stop: {metric: validation_mse, patience: 5, mode: min}`.
public struct EarlyStopSpec: Sendable, Equatable {
    /// A per-epoch metric: `<split>_mse`, `<split>_loss`, `<split>_accuracy` or `discriminator_accuracy`.
    public var metric: Metric
    /// Epochs without improvement before training stops.
    public var patience: Int
    /// Whether lower (`min`) or higher (`max`) is better.
    public var minimizes: Bool

    /// The metrics an epoch records, by name.
    public static var metrics: [String] { Metric.names(Metric.perEpoch) }
}

/// How often a run records its phase losses (the mean over the steps since the last record).
public enum LogInterval: Sendable, Equatable {
    /// About `LogInterval.autoPoints` records over the whole run, however long it is, so that a short
    /// run still draws a loss curve.
    case auto
    /// Every this many steps.
    case every(Int)

    /// How many records `auto` aims for.
    public static let autoPoints = 200

    /// The interval in steps for a run of `totalSteps` steps.
    public func steps(totalSteps: Int) -> Int {
        switch self {
        case .auto: return max(1, totalSteps / LogInterval.autoPoints)
        case .every(let steps): return steps
        }
    }
}

/// The reduced budget `runexp replay` trains a committed spec with, and how close it must come.
public struct ReplaySpec: Sendable, Equatable {
    public var epochs: Int
    public var trainLimit: Int?
    /// The largest relative difference from the committed metrics that still counts as a match.
    public var tolerance: Double
}

extension SpecDecoder {
    func decodeTrain(_ node: inout YAMLNode) -> TrainSpec? {
        guard var map = MappingReader(node, "train", log: log) else { return nil }
        let epochs = map.optional("epochs", default: .scalar("10")) {
            scalars.int($0, SpecKeyPath.epochs, in: 1...1_000_000)
        }
        let batchSize = map.optional("batch_size", default: .scalar("64")) {
            scalars.int($0, "train.batch_size", in: 1...65_536)
        }
        let shuffle = map.optional("shuffle", default: .scalar("true")) { scalars.bool($0, "train.shuffle") }
        let logEvery = map.optional("log_every", default: .scalar("auto")) { decodeLogInterval($0) }
        let evaluate = map.optional("evaluate", default: .mapping([])) { decodeEvaluation(&$0) }
        let checkpointEvery = map.optional("checkpoint_every", default: .scalar("auto")) {
            decodeCheckpointInterval($0)
        }
        let earlyStop = map.ifPresent("early_stop") { decodeEarlyStop(&$0) }
        let updates = map.ifPresent("updates") { decodeStepUpdates(&$0) }
        map.finish()
        node = map.resolvedNode
        guard let epochs, let batchSize, let shuffle, let logEvery, let evaluate, let checkpointEvery else {
            return nil
        }
        var train = TrainSpec(epochs: epochs, batchSize: batchSize, shuffle: shuffle, logEvery: logEvery)
        train.earlyStop = earlyStop
        train.evaluate = evaluate
        train.checkpointEvery = checkpointEvery
        if let (updates, origin) = updates { (train.updates, train.updatesOrigin) = (updates, origin) }
        return train
    }

    private func decodeEarlyStop(_ node: inout YAMLNode) -> EarlyStopSpec? {
        guard var map = MappingReader(node, "train.early_stop", log: log) else { return nil }
        let metric = map.optional("metric", default: .scalar(Metric.of(.mse, on: .validation).name)) {
            scalars.choice($0, "train.early_stop.metric", EarlyStopSpec.metrics).flatMap(Metric.named)
        }
        let patience = map.optional("patience", default: .scalar("5")) {
            scalars.int($0, "train.early_stop.patience", in: 1...1_000_000)
        }
        // Which way is better follows the metric unless the spec says otherwise.
        let mode = map.optional("mode", default: .scalar(metric?.direction == .higher ? "max" : "min")) {
            scalars.choice($0, "train.early_stop.mode", ["min", "max"])
        }
        map.finish()
        var resolved = map.resolvedNode
        resolved.isFlow = true
        node = resolved
        guard let metric, let patience, let mode else { return nil }
        return EarlyStopSpec(metric: metric, patience: patience, minimizes: mode == "min")
    }

    private func decodeLogInterval(_ node: YAMLNode) -> LogInterval? {
        if let text = node.scalarText, !node.isQuoted, Int(text) != nil {
            return scalars.int(node, "train.log_every", in: 1...1_000_000_000).map { .every($0) }
        }
        guard node.scalarText == "auto" else {
            log.error(
                node.origin, "train.log_every must be auto or a whole number of steps; found \(node.kindDescription)")
            return nil
        }
        return .auto
    }

    func decodeReplay(_ node: inout YAMLNode) -> ReplaySpec? {
        guard var map = MappingReader(node, "replay", log: log) else { return nil }
        let epochs = map.optional("epochs", default: .scalar("1")) {
            scalars.int($0, "replay.epochs", in: 1...1_000_000)
        }
        let trainLimit = map.ifPresent("train_limit") { scalars.int($0, "replay.train_limit", in: 1...Int.max) }
        let tolerance = map.optional("tolerance", default: .scalar("1.0e-4")) {
            scalars.double($0, "replay.tolerance", in: 0...1e6)
        }
        map.finish()
        node = map.resolvedNode
        guard let epochs, let tolerance else { return nil }
        return ReplaySpec(epochs: epochs, trainLimit: trainLimit, tolerance: tolerance)
    }
}
