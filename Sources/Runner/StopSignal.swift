import Foundation

/// Ctrl-C, SIGTERM and SIGHUP (the terminal closed) ask a run to stop at the next batch boundary
/// (or between two outputs), so that it can write an `interrupted` status and a whole checkpoint
/// instead of dying mid-write.
///
/// A second signal stops the process at once (status 128 + the signal), except inside a critical
/// section (a checkpoint or a status being written): there it is held until the section ends, so
/// the two checkpoint files always come from the same epoch.
public enum StopSignal {
    nonisolated(unsafe) private static var requested: sig_atomic_t = 0
    nonisolated(unsafe) private static var critical: sig_atomic_t = 0
    nonisolated(unsafe) private static var heldSignal: sig_atomic_t = 0

    /// Installs the handlers; a second Ctrl-C still stops the process at once.
    public static func install() {
        let handler: @convention(c) (Int32) -> Void = { signal in
            guard StopSignal.requested != 0 else {
                StopSignal.requested = 1
                return
            }
            if StopSignal.critical != 0 {
                StopSignal.heldSignal = signal
                return
            }
            _exit(128 + signal)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        signal(SIGHUP, handler)
        // A parent may have blocked these (test runners, some shells): unblock them, or they never arrive.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGHUP)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// True once a stop was asked for.
    public static var isRequested: Bool { requested != 0 }

    /// Runs `body` with a second signal held back until it returns; then a held signal ends the
    /// process as it would have.
    public static func critical<T>(_ body: () throws -> T) rethrows -> T {
        critical = 1
        defer {
            critical = 0
            if heldSignal != 0 { _exit(128 + heldSignal) }
        }
        return try body()
    }

    /// Throws `Interrupted` when a stop was asked for: the output stage calls it between outputs.
    public static func throwIfRequested() throws {
        if isRequested { throw Interrupted() }
    }

    /// A stop asked for while the outputs were being written.
    public struct Interrupted: Error {}
}
