/// How long and in what batches to train.
public struct TrainSpec: Sendable, Equatable {
    public var epochs: Int
    public var batchSize: Int
    /// Reshuffle the training set (from the seed's shuffle stream) every epoch.
    public var shuffle: Bool
    /// Record the phase losses every this many steps.
    public var logEvery: Int
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
            scalars.int($0, "train.epochs", in: 1...1_000_000)
        }
        let batchSize = map.optional("batch_size", default: .scalar("64")) {
            scalars.int($0, "train.batch_size", in: 1...65_536)
        }
        let shuffle = map.optional("shuffle", default: .scalar("true")) { scalars.bool($0, "train.shuffle") }
        let logEvery = map.optional("log_every", default: .scalar("50")) {
            scalars.int($0, "train.log_every", in: 1...1_000_000_000)
        }
        map.finish()
        node = map.resolvedNode
        guard let epochs, let batchSize, let shuffle, let logEvery else { return nil }
        return TrainSpec(epochs: epochs, batchSize: batchSize, shuffle: shuffle, logEvery: logEvery)
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
