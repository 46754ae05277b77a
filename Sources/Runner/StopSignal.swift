import Foundation

/// Ctrl-C and SIGTERM ask a run to stop at the next batch boundary, so that it can write an
/// `interrupted` status and a whole checkpoint instead of dying mid-write.
public enum StopSignal {
    nonisolated(unsafe) private static var requested: sig_atomic_t = 0

    /// Installs the handlers; a second Ctrl-C still stops the process at once.
    public static func install() {
        let handler: @convention(c) (Int32) -> Void = { signal in
            if StopSignal.requested != 0 { _exit(128 + signal) }
            StopSignal.requested = 1
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // A parent may have blocked these (test runners, some shells): unblock them, or they never arrive.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// True once a stop was asked for.
    public static var isRequested: Bool { requested != 0 }
}
