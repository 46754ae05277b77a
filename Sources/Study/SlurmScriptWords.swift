/// How study.sbatch writes a value so that sbatch and bash each read it back as one word, on its
/// own line. Both read bytes, so everything here goes by Unicode scalars: a quote followed by a
/// combining accent is one Swift `Character` (which `replacingOccurrences(of: "'")` and
/// `Character.isLetter` see whole) but still a quote to bash and sbatch.
extension SlurmEngine {
    /// `text` as one word of an `#SBATCH` line: as it is when it holds only ASCII letters, digits
    /// and `-=_.,:/+@%`, else in double quotes with backslash escapes for a backslash, a double
    /// quote and `#` (which starts a comment there). It must hold no line break (the checks before
    /// the script is written refuse control characters).
    static func sbatchWord(_ text: String) -> String {
        if !text.isEmpty, text.unicodeScalars.allSatisfy({ plain.contains($0) || $0 == "%" }) { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            if "\\\"#".unicodeScalars.contains(scalar) { escaped.append("\\") }
            escaped.unicodeScalars.append(scalar)
        }
        return "\"" + escaped + "\""
    }

    /// `text` as one word of a bash command: as it is when it holds only ASCII letters, digits and
    /// `/._-=+,:@`; in $'…' with `\xHH` escapes when it holds a control character (so a newline
    /// stays inside its line); else in '…', a quote inside written '\''.
    static func quoted(_ text: String) -> String {
        if !text.isEmpty, text.unicodeScalars.allSatisfy(plain.contains) { return text }
        let isControl = { (scalar: Unicode.Scalar) in scalar.value < 0x20 || scalar.value == 0x7F }
        let ansi = text.unicodeScalars.contains(where: isControl)
        var escaped = ansi ? "$'" : "'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "'" where !ansi: escaped += "'\\''"
            case "\\" where ansi, "'" where ansi: escaped += "\\" + String(scalar)
            case _ where isControl(scalar):
                escaped += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "'"
    }

    /// The characters neither bash nor sbatch treat specially anywhere in a word.
    private static let plain = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-=+,:@".unicodeScalars)
}
