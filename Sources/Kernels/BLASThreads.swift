import CBLAS
import Foundation

/// How long, as a power of two of CPU cycles, an OpenBLAS worker keeps polling for the next
/// product before it sleeps: 2^16 cycles, about 25 µs. Long enough to catch a product that follows
/// at once (a weight gradient, then the input gradient); short enough to leave the core to runexp's
/// own threads between layers. Interleaved `runexp bench` runs put 16 ahead of 4 (sleep at once:
/// the wake-up costs each product), 14, 18 and 20.
public let blasWorkerPollExponent = 16

/// Prepares OpenBLAS for a training process: the worker threads sleep shortly after a product
/// ends (after `blasWorkerPollExponent`), and, when `count` is given, that many threads share each
/// product (process-wide).
///
/// OpenBLAS's default keeps each worker polling `sched_yield` for about 2^28 cycles (0.1 s) after
/// every product. A training step runs a product every millisecond or so, so the workers never
/// sleep, and everything runexp splits across threads between products (im2col, activations,
/// the optimizer) shares the second core with a poller and runs at half speed. A user's own
/// `OPENBLAS_THREAD_TIMEOUT` wins. Call before the first product, from one thread.
public func prepareBLASThreads(count: Int?) {
    if getenv("OPENBLAS_THREAD_TIMEOUT") == nil, openblas_thread_timeout() != blasWorkerPollExponent {
        // OpenBLAS read its settings when it loaded and started its workers with them: give it the
        // setting, make it read the environment again and restart the workers with it. The variable
        // is removed again so that child processes (the bench's PyTorch peer) see the user's own.
        setenv("OPENBLAS_THREAD_TIMEOUT", String(blasWorkerPollExponent), 1)
        openblas_read_env()
        unsetenv("OPENBLAS_THREAD_TIMEOUT")
        _ = blas_thread_shutdown_()
        _ = blas_thread_init()
    }
    if let count { setBLASThreadCount(count) }
}

/// The poll exponent OpenBLAS starts its workers with (what `prepareBLASThreads` set, or the
/// user's `OPENBLAS_THREAD_TIMEOUT`; 0 means OpenBLAS's default).
public func blasWorkerPollSetting() -> Int {
    Int(openblas_thread_timeout())
}

/// Sets how many threads OpenBLAS may use for every later call (process-wide).
///
/// Determinism across runs needs the same count every time: OpenBLAS may split a product's
/// reduction differently for different thread counts.
public func setBLASThreadCount(_ count: Int) {
    _ = loadedBLASThreadCount
    openblas_set_num_threads(Int32(max(1, count)))
}

/// The number of threads OpenBLAS started with: all cores, or the user's `OPENBLAS_NUM_THREADS`.
/// Read before the first `setBLASThreadCount`, which keeps it.
public let loadedBLASThreadCount: Int = blasThreadCount()

/// The number of threads OpenBLAS currently uses.
public func blasThreadCount() -> Int {
    Int(openblas_get_num_threads())
}

/// OpenBLAS's own description of itself: version, build options and the kernel family it picked
/// for this CPU (for `run.json`: other machines may pick other kernels and round differently).
public func blasDescription() -> String {
    guard let text = openblas_get_config() else { return "OpenBLAS" }
    return String(cString: text).trimmingCharacters(in: .whitespaces)
}
