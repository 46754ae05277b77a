/// Escaping of text placed into HTML or SVG, so that no user text (a spec, a series name, a
/// caption) can open a tag, close an attribute or start a script.
enum MarkupEscaping {
    /// `text` with `& < > " '` replaced by character references; safe in element content and in
    /// quoted attribute values alike.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            // Control characters other than tab and newlines are invalid in XML; drop them.
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}": continue
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
