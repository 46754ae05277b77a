import Data
import Foundation

extension FileHandle {
    /// Writes one line to standard error, its control characters shown as escapes: every message
    /// and error a user sees goes through here, and a name from a spec or a path must not move the
    /// cursor, recolour the terminal or ring its bell (`name: "x\e[31m\a"` prints `x\u{1B}[31m\u{07}`).
    static func standardErrorText(_ text: String) {
        let line = escapingControls(text.hasSuffix("\n") ? String(text.dropLast()) : text)
        standardErrorBytes(line + "\n")
    }

    /// Writes `text` and `terminator` to standard output, its control characters shown as escapes
    /// as on standard error: a table, a comparison or a report names runs, settings and grid values
    /// from specs (`description: "\e[31m"` recoloured the terminal through `compare` and `diff`).
    /// Every command prints through here.
    static func standardOutputText(_ text: String, terminator: String = "\n") {
        let bytes = Array((escapingControls(text) + terminator).utf8)
        _ = bytes.withUnsafeBytes { AtomicFile.writeEveryByte($0, to: STDOUT_FILENO) }
    }

    /// `text` with every control character but line breaks and tabs written as `\u{XX}`.
    static func escapingControls(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            let isControl = scalar.properties.generalCategory == .control
            if isControl && scalar != "\n" && scalar != "\t" {
                escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2) + "}"
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Writes `text` to standard error as it is. A reader that went away (`runexp … 2>&1 | head -1`)
    /// must not stop the run: SIGPIPE is ignored (Runexp.main) and a failed write is dropped, where
    /// Foundation's `write(_:)` would trap on the error.
    static func standardErrorBytes(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { AtomicFile.writeEveryByte($0, to: STDERR_FILENO) }
    }
}

extension String {
    /// The string with zeros in front up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
