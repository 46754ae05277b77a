import Foundation
import Spec

/// When a run writes something costly after an epoch: its checkpoint (`train.checkpoint_every`),
/// its live report. After every n-th epoch or, by default, once the time since the last write is
/// at least `1 / CheckpointInterval.autoShare` times what that write took, so that such writes cost
/// a run about 2% of its time at most however big its parameters and however short its epochs.
/// Always after the last epoch.
///
/// Which epochs are written never changes a result: a run resumed from any checkpoint ends with the
/// same bits. It changes how much work an interruption loses, and how fresh the live report is.
struct WriteSchedule {
    let interval: CheckpointInterval
    /// The seconds the last write took, and when it ended (uptime nanoseconds).
    private var lastWrite: (seconds: Double, ended: UInt64)?
    /// The last epoch written (0 before any): for checkpoints, the one `--resume` continues after.
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

    /// Runs `write` (what `epoch` ended with) and notes what it took.
    mutating func write(epoch: Int, _ write: () throws -> Void) rethrows {
        let started = DispatchTime.now().uptimeNanoseconds
        try write()
        let ended = DispatchTime.now().uptimeNanoseconds
        lastWrite = (Double(ended - started) / 1e9, ended)
        self.epoch = epoch
    }

    /// A run restored from what `epoch` wrote.
    mutating func restored(epoch: Int) { self.epoch = epoch }
}
