/// Adds a `<title>` and `<desc>` to Cairo's SVG output.
///
/// Cairo draws all text as glyph outlines, so an SVG plot's words are invisible to search, screen
/// readers and tests; the title and description carry them as text (the plot's title, and the
/// legend's names).
enum SVGAnnotation {
    /// `svg` with `<title>` and `<desc>` inserted as the first children of the root element, or
    /// unchanged if it has no `<svg` tag.
    static func annotate(_ svg: [UInt8], title: String, description: String) -> [UInt8] {
        let text = String(decoding: svg, as: UTF8.self)
        guard let open = text.range(of: "<svg"), let close = text[open.upperBound...].firstIndex(of: ">") else {
            return svg
        }
        let insertion =
            "\n<title>\(MarkupEscaping.escape(title))</title>\n<desc>\(MarkupEscaping.escape(description))</desc>"
        var annotated = text
        annotated.insert(contentsOf: insertion, at: text.index(after: close))
        return Array(annotated.utf8)
    }
}
