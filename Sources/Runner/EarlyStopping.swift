import Graph
import Kernels
import Spec
import RunFolder

/// `train.early_stop`: watches one per-epoch metric, keeps a copy of the parameters of the best
/// epoch so far, and says when the metric has not improved for `patience` epochs. When training
/// ends the best epoch's parameters are put back, so that the outputs, the metrics and the
/// checkpoint are those of the best epoch.
final class EarlyStopping {
    let spec: EarlyStopSpec
    /// The best epoch so far (from 1), and its value of the metric; 0 before the first epoch.
    private(set) var bestEpoch = 0
    private(set) var bestValue = 0.0
    /// Epochs since the best one.
    private(set) var sinceBest = 0
    /// The parameters (and running statistics) after the best epoch, in the store's order.
    let best: [FloatBuffer]
    let store: ParameterStore

    init(_ spec: EarlyStopSpec, store: ParameterStore) {
        self.spec = spec
        self.store = store
        best = store.parameters.map { FloatBuffer(count: $0.value.count) }
    }

    /// Whether training should stop: the metric has gone `patience` epochs without improving.
    var exhausted: Bool { sinceBest >= spec.patience }

    /// Notes an epoch's metrics (after its parameters are final); keeps them if they are the best.
    func observe(_ metrics: EpochMetrics) throws {
        guard let value = metrics[spec.metric] else {
            throw RunError("train.early_stop watches \(spec.metric), but epoch \(metrics.epoch) did not record it")
        }
        let improved = bestEpoch == 0 || (spec.minimizes ? value < bestValue : value > bestValue)
        guard improved else {
            // Counted in epochs, whether or not every epoch is evaluated (`train.evaluate.every`).
            sinceBest = metrics.epoch - bestEpoch
            return
        }
        (bestEpoch, bestValue, sinceBest) = (metrics.epoch, value, 0)
        for (copy, parameter) in zip(best, store.parameters) {
            copy.pointer.update(from: parameter.value.pointer, count: copy.count)
        }
    }

    /// Puts the best epoch's parameters back into the store.
    func restoreBest() {
        guard bestEpoch > 0 else { return }
        for (copy, parameter) in zip(best, store.parameters) {
            parameter.value.pointer.update(from: copy.pointer, count: copy.count)
        }
    }

    /// The position for a checkpoint: best epoch, epochs since, the best value's bits.
    var state: [UInt64] { [UInt64(bestEpoch), UInt64(sinceBest), bestValue.bitPattern] }

    func restore(_ words: [UInt64]) throws {
        guard words.count == 3, words[0] <= UInt64(Int32.max), words[1] <= UInt64(Int32.max) else {
            throw RunError("the checkpoint's early-stopping record is not one")
        }
        (bestEpoch, sinceBest, bestValue) = (Int(words[0]), Int(words[1]), Double(bitPattern: words[2]))
    }
}
