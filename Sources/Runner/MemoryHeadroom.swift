import Data
import Foundation
import Graph
import Kernels

/// Whether this process has the memory a run needs before OpenBLAS starts its threads.
///
/// OpenBLAS gives each of its threads a 128 MiB buffer, the workers when they start and the
/// calling thread at its first product, and when that allocation fails it retries forever,
/// deaf to signals (a run under `ulimit -v 300000` hung with status `running`). So the buffers and
/// the model's own lower bound (`MemoryEstimate`) are compared with what this process has left
/// (`AvailableMemory`: the machine's, `ulimit -v`/`-d`, the control group's) first, and a run that
/// cannot fit ends at once with `out of memory`, naming the limit.
public enum MemoryHeadroom {
    /// OpenBLAS's buffer per thread (BUFFER_SIZE, 128 MiB, and its guard pages).
    static let blasBufferBytes = (128 << 20) + (64 << 10)
    /// Room for what neither part counts: the runtime's own allocations, the data's batches.
    static let slackBytes = 32 << 20

    /// Nil when `modelBytes` and OpenBLAS's buffers for `threads` threads fit in `available` bytes;
    /// else the message.
    /// The workers OpenBLAS started when it loaded hold their buffers already (a restart reuses
    /// them), so what is still to come is the calling thread's and those of workers beyond them.
    public static func problem(modelBytes: Int, threads: Int, available: Int = AvailableMemory.bytes()) -> String? {
        let buffers = 1 + max(0, threads - loadedBLASThreadCount)
        let blas = saturatingProduct([buffers, blasBufferBytes])
        let need = saturatingSum(saturatingSum(modelBytes, blas), slackBytes)
        guard need > available else { return nil }
        return "out of memory: the run needs at least \(AvailableMemory.text(need)) more "
            + "(\(AvailableMemory.text(modelBytes)) for the model, \(AvailableMemory.text(blas)) for OpenBLAS's "
            + "buffers) and this process has \(AvailableMemory.text(available)) left under its limits "
            + "(ulimit -v, the control group, the machine's free memory)"
    }
}
