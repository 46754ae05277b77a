/// How many rows a value holds for a batch of `n` samples: some draws per sample, or a set of rows
/// of its own that does not follow the batch (`eye(50)`, and VAMP's pseudo-inputs made from it).
public enum RowCount: Sendable, Hashable, CustomStringConvertible {
    /// `k` rows for each sample of the batch (`k` draws of a posterior; 1 for most values).
    case perSample(Int)
    /// The same rows whatever the batch.
    case fixed(Int)

    /// The rows for a batch of `batch` samples.
    public func count(batch: Int) -> Int {
        switch self {
        case .perSample(let draws): return batch * draws
        case .fixed(let rows): return rows
        }
    }

    public var description: String {
        switch self {
        case .perSample(1): return "one row per sample"
        case .perSample(let draws): return "\(draws) draws per sample"
        case .fixed(let rows): return "\(rows) rows of its own"
        }
    }
}
