import Foundation

#if canImport(Glibc)
    import Glibc
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    import Darwin
    private let systemWrite = Darwin.write
#endif

extension FileHandle {
    /// Writes one line to standard error.
    static func standardErrorText(_ text: String) {
        standardErrorBytes(text.hasSuffix("\n") ? text : text + "\n")
    }

    /// Writes `text` to standard error as it is. A reader that went away (`runexp … 2>&1 | head -1`)
    /// must not stop the run: SIGPIPE is ignored (Runexp.main) and a failed write is dropped, where
    /// Foundation's `write(_:)` would trap on the error.
    static func standardErrorBytes(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(STDERR_FILENO, base + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
