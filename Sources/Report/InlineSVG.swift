import Data
import Foundation

/// Turns a standalone SVG file from Cairo into markup that can sit inside an HTML page.
enum InlineSVG {
    /// `svg` without its XML declaration and namespace declarations (HTML puts `<svg>` in the SVG
    /// namespace by itself, and the namespace URLs would be the page's only `http:` strings), with
    /// every id prefixed by `idPrefix` so several figures can share the page.
    ///
    /// Only SVGs drawn by this module are expected; anything that could run script is refused
    /// rather than embedded.
    static func prepare(_ svg: [UInt8], idPrefix: String, source: String) throws -> String {
        var text = String(decoding: svg, as: UTF8.self)
        guard let start = text.range(of: "<svg") else {
            throw SourceError(source, "the figure to inline has no <svg> element")
        }
        let lowered = text.lowercased()
        for forbidden in ["<script", "javascript:", "<foreignobject", " onload=", " onclick="]
        where lowered.contains(forbidden) {
            throw SourceError(source, "the figure to inline contains \(forbidden), which a report never embeds")
        }
        text = String(text[start.lowerBound...])
        for namespace in [
            " xmlns=\"http://www.w3.org/2000/svg\"", " xmlns:xlink=\"http://www.w3.org/1999/xlink\"",
        ] {
            text = text.replacingOccurrences(of: namespace, with: "")
        }
        return SVGIdentifiers.prefixIDs(text, with: idPrefix).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
