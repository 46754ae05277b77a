import Foundation
import Spec

/// When a run writes its checkpoint (`train.checkpoint_every`): after every n-th epoch or, by
/// default, once the time since the last write is at least `1 / CheckpointInterval.autoShare`
/// times what that write took, so that checkpoints cost a run about 2% of its time at most
/// however big its parameters and however short its epochs. Always after the last epoch.
///
/// Which epochs are written never changes a result: a run resumed from any of them ends with the
/// same bits. It changes how much work an interruption loses.
struct CheckpointSchedule {
    let interval: CheckpointInterval
    /// The seconds the last write took, and when it ended (uptime nanoseconds).
    private var lastWrite: (seconds: Double, ended: UInt64)?
    /// The last epoch a checkpoint holds (0 before any), which `--resume` continues after.
    private(set) var epoch = 0

    init(_ interval: CheckpointInterval) {
        self.interval = interval
    }

    /// Whether to write after `epoch`; `last` when training ends there.
    func isDue(afterEpoch epoch: Int, last: Bool) -> Bool {
        if last { return true }
        switch interval {
        case .epochs(let every): return epoch % every == 0
        case .auto:
            // The first write measures what one costs.
            guard let lastWrite else { return true }
            let since = Double(DispatchTime.now().uptimeNanoseconds - lastWrite.ended) / 1e9
            return since * CheckpointInterval.autoShare >= lastWrite.seconds
        }
    }

    /// Runs `write` (the checkpoint of `epoch`) and notes what it took.
    mutating func write(epoch: Int, _ write: () throws -> Void) rethrows {
        let started = DispatchTime.now().uptimeNanoseconds
        try write()
        let ended = DispatchTime.now().uptimeNanoseconds
        lastWrite = (Double(ended - started) / 1e9, ended)
        self.epoch = epoch
    }

    /// A run restored from the checkpoint of `epoch`.
    mutating func restored(epoch: Int) { self.epoch = epoch }
}
