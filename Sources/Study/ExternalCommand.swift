import Foundation
import Runner

/// A program (`sbatch`, `squeue`, `scancel`) run to its end with what it prints captured: how the
/// Slurm engine talks to Slurm. It runs in a process group of its own, so that its time limit or
/// Ctrl-C ends it and every child it started; both of its pipes are read at once, so that no
/// amount of output on either stalls it.
enum ExternalCommand {
    /// How the program ended (its exit status, or 128 + the signal) and what it printed, trimmed.
    struct Outcome: Sendable {
        /// The exit status, or 128 + the signal that ended it.
        var status: Int32
        /// What it wrote to standard output.
        var output: String
        /// What it wrote to standard error.
        var errors: String
    }

    /// Ctrl-C or SIGTERM stopped the program before it ended.
    struct Stopped: Error {}

    /// The bytes kept of each stream; the rest is read and dropped. squeue lists a task a line, and
    /// a task cut from its listing would read as ended: this holds millions.
    static let kept = 64 << 20

    /// Runs `executable` with `arguments` and waits for it. Past `timeout` seconds its process
    /// group is killed and a `ClusterError` thrown; when `stoppable`, a stop asked for (Ctrl-C,
    /// SIGTERM) kills it as well and throws `Stopped`.
    static func run(
        _ executable: String, _ arguments: [String], timeout: Double, stoppable: Bool = true
    ) throws -> Outcome {
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        guard Self.makePipe(&output), Self.makePipe(&errors) else {
            for descriptor in output + errors where descriptor >= 0 { close(descriptor) }
            throw ClusterError("cannot run \(executable): no pipe (\(String(cString: strerror(errno))))")
        }
        defer { for descriptor in output + errors where descriptor >= 0 { close(descriptor) } }
        let pid = try spawn(executable, arguments, output: output[1], errors: errors[1])
        close(output[1])
        close(errors[1])
        output[1] = -1
        errors[1] = -1
        var streams = [CapturedPipe(descriptor: output[0]), CapturedPipe(descriptor: errors[0])]
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32?
        while status == nil || streams.contains(where: \.open) {
            if stoppable, StopSignal.isRequested {
                end(pid, reaped: status != nil)
                throw Stopped()
            }
            if Date() >= deadline {
                end(pid, reaped: status != nil)
                let name = URL(fileURLWithPath: executable).lastPathComponent
                throw ClusterError(
                    "\(name) did not finish within \(Int(timeout)) s: runexp stopped it and what it started")
            }
            CapturedPipe.pump(&streams, milliseconds: 50)
            if status == nil { status = reap(pid, blocking: false) }
        }
        return Outcome(status: status ?? -1, output: streams[0].text, errors: streams[1].text)
    }

    /// Opens a pipe into `ends`, neither end inherited by other programs runexp starts; whether it did.
    private static func makePipe(_ ends: inout [Int32]) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// Starts `executable` in a process group of its own, its input empty, its output and errors
    /// to the given pipes, the signals runexp handles back at their defaults and none blocked.
    private static func spawn(_ executable: String, _ arguments: [String], output: Int32, errors: Int32) throws -> pid_t
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, errors, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        var blocked = sigset_t()
        sigemptyset(&defaults)
        sigemptyset(&blocked)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &blocked)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) }
        let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") }
        defer { (argv + environment).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], environment + [nil])
        guard result == 0 else {
            throw ClusterError("cannot run \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Ends the process group `pid` leads: SIGTERM, a second for it to go, then SIGKILL for what
    /// is left of the group; reaps the leader. A second Ctrl-C meanwhile is held until it is done
    /// (the group no longer shares the terminal's signals, so nothing else would end it).
    private static func end(_ pid: pid_t, reaped: Bool) {
        StopSignal.critical {
            kill(-pid, SIGTERM)
            var reaped = reaped
            for _ in 0..<20 where !reaped {
                reaped = reap(pid, blocking: false) != nil
                if !reaped { usleep(50_000) }
            }
            kill(-pid, SIGKILL)
            if !reaped { _ = reap(pid, blocking: true) }
        }
    }

    /// The exit status of `pid` once it ended (128 + the signal that ended it), else nil.
    private static func reap(_ pid: pid_t, blocking: Bool) -> Int32? {
        var raw: Int32 = 0
        while true {
            let result = waitpid(pid, &raw, blocking ? 0 : WNOHANG)
            if result == pid { return raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f) }
            if result == 0 { return nil }
            if errno != EINTR { return -1 }
        }
    }

    /// `text` for a message: control characters (line breaks too) written as `\u{XX}`, at most
    /// 300 characters, and quoted.
    static func shown(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars.prefix(300) {
            if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return "'" + escaped + (text.unicodeScalars.count > 300 ? "…'" : "'")
    }
}

/// One pipe of a running program, read as its bytes arrive.
private struct CapturedPipe {
    /// The pipe's end runexp reads.
    var descriptor: Int32
    /// False once the pipe ended.
    var open = true
    /// What came through it, up to `ExternalCommand.kept` bytes.
    var bytes: [UInt8] = []

    /// What it held, as text with the surrounding white space trimmed.
    var text: String {
        String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits up to `milliseconds` for any of `streams` to have bytes or end, and reads them.
    static func pump(_ streams: inout [CapturedPipe], milliseconds: Int32) {
        var polled = streams.filter(\.open).map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        guard !polled.isEmpty else {
            usleep(UInt32(milliseconds) * 1000)
            return
        }
        guard poll(&polled, nfds_t(polled.count), milliseconds) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        for entry in polled where entry.revents != 0 {
            let index = streams.firstIndex { $0.descriptor == entry.fd }!
            let count = read(entry.fd, &buffer, buffer.count)
            if count > 0 {
                let room = max(0, ExternalCommand.kept - streams[index].bytes.count)
                streams[index].bytes += buffer[0..<min(count, room)]
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                streams[index].open = false
            }
        }
    }
}

/// Slurm or one of its commands failed (no job id from sbatch, squeue failing again and again, a
/// command past its time limit): the study cannot go on, through no fault of its input (exit 1).
public struct ClusterError: Error, CustomStringConvertible, Sendable {
    /// What failed, and what was expected of it.
    public var description: String
    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
