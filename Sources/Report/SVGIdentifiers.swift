/// Rewrites of the `id`s in Cairo's SVG output.
enum SVGIdentifiers {
    /// Cairo names some elements after a process-wide surface counter (`surface90`), so the same
    /// plot drawn twice, or in another order, gets different ids; renumbering them in order of
    /// first appearance makes equal drawings byte-identical.
    static func renumberCounterIDs(_ svg: String) -> String {
        var numbers: [Substring: Int] = [:]
        let counterID = /(?<kind>surface|image|source)(?<number>[0-9]+)(?<end>["\)])/
        return svg.replacing(counterID) { match in
            let name = match.output.kind + match.output.number
            let number = numbers[name] ?? (numbers.count + 1)
            numbers[name] = number
            return "\(match.output.kind)\(number)\(match.output.end)"
        }
    }

    /// Prefixes every id and every reference to one (`#id` in `href`s and `url(#id)`) with
    /// `prefix`, so several SVGs can be inlined in one HTML page: Cairo starts each document at
    /// `glyph0-0`, and ids must be unique across the whole page or glyphs of one plot would be
    /// drawn in another.
    static func prefixIDs(_ svg: String, with prefix: String) -> String {
        let definition = /id="(?<name>[^"]*)"/
        let reference = /(?<lead>href="#|url\(#)(?<name>[^")]*)/
        return
            svg
            .replacing(definition) { match in "id=\"\(prefix)\(match.output.name)\"" }
            .replacing(reference) { match in "\(match.output.lead)\(prefix)\(match.output.name)" }
    }
}
