import Foundation

extension FileHandle {
    /// Writes one line to standard error.
    static func standardErrorText(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}
