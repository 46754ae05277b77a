import Data
import Foundation

/// Ctrl-C, SIGTERM and SIGHUP (the terminal closed) ask a run to stop at the next batch boundary
/// (or between two outputs), so that it can write an `interrupted` status and a whole checkpoint
/// instead of dying mid-write.
///
/// A second signal stops the process at once (status 128 + the signal), except inside a critical
/// section (a checkpoint or a status being written): there it is held until the section ends, so
/// the two checkpoint files always come from the same epoch. Before it exits, it writes the
/// record kept by `setLastWords` (`run.json` saying `interrupted`).
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
            StopSignal.writeLastWords()
            _exit(128 + signal)
        }
        _ = (lastWordsPath, lastWordsTemporary, lastWordsBytes)
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
            if heldSignal != 0 {
                writeLastWords()
                _exit(128 + heldSignal)
            }
        }
        return try body()
    }

    nonisolated(unsafe) private static var lastWordsPath: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var lastWordsTemporary: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var lastWordsBytes: UnsafeMutableRawBufferPointer?

    /// Keeps `data` to be written to `path` when a second signal ends the process at once (a run's
    /// `run.json` saying `interrupted`, so that it never stays `running`); nil forgets it. Call
    /// inside `critical`, so that a signal never meets half a change.
    public static func setLastWords(_ data: Data?, at path: String) {
        let old = (lastWordsPath, lastWordsTemporary, lastWordsBytes)
        lastWordsPath = nil
        lastWordsTemporary = nil
        lastWordsBytes = nil
        free(old.0)
        free(old.1)
        old.2?.deallocate()
        guard let data else { return }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(getpid())")
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 1)
        bytes.copyBytes(from: data)
        lastWordsBytes = bytes
        lastWordsTemporary = strdup(temporary.path)
        lastWordsPath = strdup(path)
    }

    /// Writes the last words, if any, with system calls only (all a signal handler may use): to a
    /// temporary file, renamed over the record once whole.
    private static func writeLastWords() {
        guard let path = lastWordsPath, let temporary = lastWordsTemporary, let bytes = lastWordsBytes else { return }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        let whole = AtomicFile.writeEveryByte(UnsafeRawBufferPointer(bytes), to: descriptor)
        close(descriptor)
        if whole { rename(temporary, path) } else { unlink(temporary) }
    }

    /// Throws `Interrupted` when a stop was asked for: the output stage calls it between outputs.
    public static func throwIfRequested() throws {
        if isRequested { throw Interrupted() }
    }

    /// A stop asked for while the outputs were being written.
    public struct Interrupted: Error {}
}
