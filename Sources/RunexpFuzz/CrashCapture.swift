import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps the input being run where a signal handler can reach it, so that a trap, a segmentation
/// fault or an abort inside a reader leaves the input on disk, and a watchdog thread that saves and
/// ends an input that runs far past the hang limit.
enum CrashCapture {
    nonisolated(unsafe) static var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    nonisolated(unsafe) static var capacity = 1
    nonisolated(unsafe) static var count = 0
    nonisolated(unsafe) static var iteration = 0
    nonisolated(unsafe) static var startedAt: UInt64 = 0
    nonisolated(unsafe) static var crashPath = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
    nonisolated(unsafe) static var hangPath = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
    nonisolated(unsafe) static var hangNanoseconds: UInt64 = 10_000_000_000

    /// Saves the input of every later crash under `crashFile`, of a hang under `hangFile`.
    static func prepare(capacity: Int, crashFile: String, hangFile: String) {
        buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(capacity, 1))
        Self.capacity = max(capacity, 1)
        crashPath = strdup(crashFile)
        hangPath = strdup(hangFile)
    }

    /// Records `input` as the one about to run.
    static func willRun(_ iteration: Int, _ input: [UInt8]) {
        let kept = min(input.count, capacity)
        input.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { buffer.update(from: base, count: kept) }
        }
        count = kept
        Self.iteration = iteration
        startedAt = DispatchTime.now().uptimeNanoseconds
    }

    /// No input is running (between targets), so the watchdog has nothing to time.
    static func idle() { startedAt = 0 }

    /// Installs handlers for the signals a trap or a memory fault raises, on their own stack so a
    /// stack overflow is caught too.
    static func installHandlers() {
        let size = 1 << 16
        var stack = stack_t()
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        stack.ss_size = size
        sigaltstack(&stack, nil)
        for signal in [SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                CrashCapture.save(to: CrashCapture.crashPath)
                CrashCapture.say("runexp-fuzz: signal ", Int(signal), " at iteration ", CrashCapture.iteration)
                CrashCapture.say("runexp-fuzz: the input is saved in ", path: CrashCapture.crashPath)
                Glibc.signal(signal, SIG_DFL)
                raise(signal)
            }
            action.sa_flags = Int32(SA_ONSTACK) | Int32(bitPattern: UInt32(SA_RESETHAND))
            sigaction(signal, &action, nil)
        }
    }

    /// Starts the watchdog: an input running longer than `hangNanoseconds` is saved and the process ends (status 3).
    static func startWatchdog() {
        let thread = Thread {
            while true {
                usleep(100_000)
                let started = startedAt
                guard started != 0 else { continue }
                if DispatchTime.now().uptimeNanoseconds &- started > hangNanoseconds {
                    save(to: hangPath)
                    say(
                        "runexp-fuzz: iteration ", iteration, " still runs after ",
                        Int(hangNanoseconds / 1_000_000_000), " s: a hang")
                    say("runexp-fuzz: the input is saved in ", path: hangPath)
                    _exit(3)
                }
            }
        }
        thread.start()
    }

    /// Writes the current input to `path` with only async-signal-safe calls.
    static func save(to path: UnsafePointer<CChar>) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return }
        var offset = 0
        while offset < count {
            let written = write(descriptor, buffer + offset, count - offset)
            if written <= 0 { break }
            offset += written
        }
        close(descriptor)
    }

    /// Writes `text`, a number, `text`, a number and a newline to standard error, without allocating.
    static func say(
        _ a: StaticString, _ first: Int, _ b: StaticString = "", _ second: Int? = nil, _ c: StaticString = ""
    ) {
        write(2, a.utf8Start, a.utf8CodeUnitCount)
        sayNumber(first)
        write(2, b.utf8Start, b.utf8CodeUnitCount)
        if let second { sayNumber(second) }
        write(2, c.utf8Start, c.utf8CodeUnitCount)
        write(2, "\n", 1)
    }

    static func say(_ text: StaticString, path: UnsafePointer<CChar>) {
        write(2, text.utf8Start, text.utf8CodeUnitCount)
        write(2, path, strlen(path))
        write(2, "\n", 1)
    }

    private static func sayNumber(_ value: Int) {
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { raw in
            var number = value.magnitude
            var position = raw.count
            repeat {
                position -= 1
                raw[position] = UInt8(0x30 + number % 10)
                number /= 10
            } while number > 0 && position > 1
            if value < 0 {
                position -= 1
                raw[position] = 0x2D
            }
            if let base = raw.baseAddress { write(2, base + position, raw.count - position) }
        }
    }
}
