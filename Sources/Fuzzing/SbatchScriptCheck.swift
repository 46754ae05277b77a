/// What a `study.sbatch` must say: the arguments sbatch reads from its `#SBATCH` lines, one per
/// line, and the words bash runs for each array task.
public struct SbatchExpectation: Sendable {
    /// Each `#SBATCH` line's one argument, in order (`--time=30:00`, `--output=…`).
    public var sbatchArguments: [String]
    /// Each task's index and the words of its `exec` command, the executable first.
    public var tasks: [(index: Int, words: [String])]

    /// An expectation of these arguments and task commands.
    public init(sbatchArguments: [String], tasks: [(index: Int, words: [String])]) {
        self.sbatchArguments = sbatchArguments
        self.tasks = tasks
    }
}

/// Reads a `study.sbatch` back the way sbatch and bash read it and checks that it says exactly
/// what was meant: each written value stays in its own line and its own word, and no line appears
/// that the writer did not mean. The fuzz target `sbatch` checks every script it makes so.
public enum SbatchScriptCheck {
    /// Lines whose text is fixed.
    static let shebang = "#!/bin/bash"
    static let caseLine = "case \"$SLURM_ARRAY_TASK_ID\" in"
    static let fallback = "  *) echo \"runexp: no trial $SLURM_ARRAY_TASK_ID in this study\" >&2; exit 2 ;;"

    /// Throws `FuzzInvariantBroken` naming the first line that is not what `expected` says.
    public static func verify(_ script: String, _ expected: SbatchExpectation) throws {
        guard script.hasSuffix("\n") else { throw FuzzInvariantBroken("the script does not end with a line break") }
        let lines = script.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        let count = 2 + expected.sbatchArguments.count + 1 + expected.tasks.count + 2
        guard lines.count == count else {
            throw FuzzInvariantBroken("the script has \(lines.count) lines, expected \(count):\n\(script)")
        }
        func broken(_ number: Int, _ why: String) -> FuzzInvariantBroken {
            FuzzInvariantBroken("line \(number + 1) of study.sbatch \(why): \(lines[number].debugDescription)")
        }
        guard lines[0] == shebang else { throw broken(0, "is not \(shebang)") }
        // A comment to bash, and ignored by sbatch (it is not #SBATCH or #SLURM).
        guard lines[1].hasPrefix("# "), !lines[1].hasPrefix("#SBATCH"), !lines[1].hasPrefix("#SLURM") else {
            throw broken(1, "is not a comment")
        }
        for (offset, argument) in expected.sbatchArguments.enumerated() {
            let number = 2 + offset
            guard lines[number].hasPrefix("#SBATCH ") else { throw broken(number, "is not an #SBATCH line") }
            guard let words = sbatchWords(lines[number].dropFirst("#SBATCH".count)) else {
                throw broken(number, "is refused by sbatch (an unmatched quote or a leading ':')")
            }
            guard words == [argument] else {
                throw broken(number, "gives sbatch \(words), expected [\(argument.debugDescription)]")
            }
        }
        let caseAt = 2 + expected.sbatchArguments.count
        guard lines[caseAt] == caseLine else { throw broken(caseAt, "is not \(caseLine)") }
        for (offset, task) in expected.tasks.enumerated() {
            let number = caseAt + 1 + offset
            let line = lines[number]
            let head = "  \(task.index)) exec "
            guard line.hasPrefix(head), line.hasSuffix(" ;;"), line.count >= head.count + 3 else {
                throw broken(number, "is not task \(task.index)'s exec line")
            }
            let command = line.dropFirst(head.count).dropLast(3)
            guard let words = shellWords(command) else {
                throw broken(number, "holds something bash would not read as plain quoted words")
            }
            guard words == task.words else { throw broken(number, "runs \(words), expected \(task.words)") }
        }
        guard lines[count - 2] == fallback else { throw broken(count - 2, "is not the fallback task") }
        guard lines[count - 1] == "esac" else { throw broken(count - 1, "is not esac") }
    }

    /// The arguments sbatch takes from the rest of an `#SBATCH` line (Slurm's `_get_argument` in
    /// sbatch/opt.c): words split at white space, '…' and "…" group, a backslash takes the next
    /// byte as it is, an unquoted `#` ends the line, and a word with no bytes ends it too. Nil when
    /// sbatch refuses the line (an unmatched quote, a word starting with ':').
    public static func sbatchWords(_ rest: Substring) -> [String]? {
        let bytes = Array(rest.utf8)
        let isSpace = { (byte: UInt8) in byte == 0x20 || (0x09...0x0D).contains(byte) }
        var words: [String] = []
        var at = 0
        while true {
            while at < bytes.count, isSpace(bytes[at]) { at += 1 }
            if at < bytes.count, bytes[at] == UInt8(ascii: ":") { return nil }
            var word: [UInt8] = []
            var quote: UInt8?
            var escaped = false
            scan: while at < bytes.count, quote != nil || !isSpace(bytes[at]) {
                let byte = bytes[at]
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                    at += 1
                    continue
                } else if let open = quote {
                    if byte == open {
                        quote = nil
                        at += 1
                        continue
                    }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                    at += 1
                    continue
                } else if byte == UInt8(ascii: "#") {
                    break scan
                }
                word.append(byte)
                at += 1
            }
            if quote != nil { return nil }
            if word.isEmpty { return words }
            words.append(String(decoding: word, as: UTF8.self))
        }
    }

    /// The words of a command line as bash reads them, where the line holds nothing but words
    /// separated by single spaces, each made of plain characters (ASCII letters, digits and
    /// `/._-=+,:@%`, or any non-ASCII character), '…' quotes, `\` before an ASCII character, and
    /// $'…' with `\\`, `\'` and `\xHH` escapes. Nil for anything else: an operator, a
    /// substitution, a glob, a comment or an unclosed quote.
    public static func shellWords(_ text: Substring) -> [String]? {
        let scalars = Array(text.unicodeScalars)
        var words: [String] = []
        var at = 0
        while at < scalars.count {
            var word: [UInt8] = []
            func add(_ scalar: Unicode.Scalar) { word += Array(String(scalar).utf8) }
            while at < scalars.count, scalars[at] != " " {
                let scalar = scalars[at]
                if !scalar.isASCII || Self.plain.contains(scalar) {
                    add(scalar)
                    at += 1
                } else if scalar == "'" {
                    guard let close = scalars[(at + 1)...].firstIndex(of: "'") else { return nil }
                    scalars[(at + 1)..<close].forEach(add)
                    at = close + 1
                } else if scalar == "\\" {
                    guard at + 1 < scalars.count, scalars[at + 1].isASCII, scalars[at + 1].value >= 0x20 else {
                        return nil
                    }
                    add(scalars[at + 1])
                    at += 2
                } else if scalar == "$", at + 1 < scalars.count, scalars[at + 1] == "'" {
                    guard let (bytes, next) = ansiQuoted(scalars, from: at + 2) else { return nil }
                    word += bytes
                    at = next
                } else {
                    return nil
                }
            }
            words.append(String(decoding: word, as: UTF8.self))
            guard at < scalars.count else { break }
            // One space between words, and a word after it.
            at += 1
            guard at < scalars.count, scalars[at] != " " else { return nil }
        }
        return words
    }

    /// ASCII characters bash takes as part of a word, unquoted, anywhere in it.
    static let plain = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-=+,:@%".unicodeScalars)

    /// The bytes of a $'…' word's inside from `start` (after the opening quote), and the index
    /// after its closing quote; nil for an escape it does not know or no closing quote.
    static func ansiQuoted(_ scalars: [Unicode.Scalar], from start: Int) -> ([UInt8], Int)? {
        var bytes: [UInt8] = []
        var at = start
        while at < scalars.count {
            let scalar = scalars[at]
            if scalar == "'" { return (bytes, at + 1) }
            guard scalar == "\\" else {
                bytes += Array(String(scalar).utf8)
                at += 1
                continue
            }
            guard at + 1 < scalars.count else { return nil }
            switch scalars[at + 1] {
            case "\\", "'":
                bytes += Array(String(scalars[at + 1]).utf8)
                at += 2
            case "x":
                let digits = scalars[(at + 2)...].prefix(2).prefix { $0.properties.isASCIIHexDigit }
                guard let value = UInt8(String(String.UnicodeScalarView(digits)), radix: 16) else { return nil }
                // A NUL ends the word in bash: the value could not be passed whole.
                guard value != 0 else { return nil }
                bytes.append(value)
                at += 2 + digits.count
            default: return nil
            }
        }
        return nil
    }
}
