import Data
import Foundation

/// One self-contained HTML page for a run: title, facts, spec, metrics table, curves and images.
///
/// Nothing on the page is fetched from elsewhere: PNGs are embedded as `data:` URLs, SVGs are
/// inlined, the style sheet is inline, and a Content-Security-Policy forbids every other request
/// (and every script but a sortable table's own), so the page opens the same offline, from a mail attachment or in ten years.
/// All text is escaped, so a spec containing `<script>` shows as text.
///
/// Sections appear in the order they are added:
/// ```swift
/// var report = HTMLReport(title: "cnn_ae, seed 0")
/// report.addFacts([("status", "complete"), ("seed", "0")], heading: "Run")
/// report.addPreformatted(specText, heading: "Spec")
/// report.addTable(header: ["split", "MSE"], rows: [["test", "0.0123"]], heading: "Metrics")
/// try report.addSVG(curvesSVG, caption: "Losses per step")
/// try report.write(to: "results/cnn_ae/seed-0/report.html")
/// ```
public struct HTMLReport: Sendable {
    /// The page's title and top heading.
    public var title: String
    /// The rendered sections, in order.
    private var sections: [String] = []
    /// Counts figures, to give each inlined SVG its own id prefix.
    private var figureCount = 0
    /// When set, the browser reloads the page this often: a live report of a run still going.
    public var refreshSeconds: Int?
    /// Whether the page holds a sortable table, whose inline script its policy then lets run.
    private var hasSortableTable = false

    /// An empty report titled `title`.
    public init(title: String) {
        self.title = title
    }

    /// A section heading.
    public mutating func addHeading(_ text: String) {
        sections.append("<h2>\(escape(text))</h2>")
    }

    /// A paragraph of plain text.
    public mutating func addParagraph(_ text: String) {
        sections.append("<p>\(escape(text))</p>")
    }

    /// A list of facts (name and value), e.g. the seed, host, status and timings from `run.json`.
    public mutating func addFacts(_ facts: [(name: String, value: String)], heading: String? = nil) {
        let items = facts.map { "<dt>\(escape($0.name))</dt><dd>\(escape($0.value))</dd>" }
        addSection(heading, body: "<dl class=\"facts\">\n\(items.joined(separator: "\n"))\n</dl>")
    }

    /// Text shown exactly as given, in a fixed-width block (the spec, a log excerpt).
    public mutating func addPreformatted(_ text: String, heading: String? = nil) {
        addSection(heading, body: "<pre>\(escape(text))</pre>")
    }

    /// A table with a header row and any number of columns; short rows are padded with empty cells.
    /// A row's first cell links `links[row]` (a relative path, percent-encoded) when given.
    public mutating func addTable(header: [String], rows: [[String]], heading: String? = nil, links: [String?] = []) {
        let columns = max(header.count, rows.map(\.count).max() ?? 0)
        func cells(_ row: [String], tag: String, link: String? = nil) -> String {
            let padded = row + Array(repeating: "", count: max(0, columns - row.count))
            return "<tr>"
                + padded.enumerated().map { column, text in
                    guard column == 0, let link else { return "<\(tag)>\(escape(text))</\(tag)>" }
                    return "<\(tag)><a href=\"\(escape(link))\">\(escape(text))</a></\(tag)>"
                }.joined() + "</tr>"
        }
        let head = header.isEmpty ? "" : "<thead>\(cells(header, tag: "th"))</thead>\n"
        let body = rows.enumerated().map { index, row in
            cells(row, tag: "td", link: index < links.count ? links[index] : nil)
        }.joined(separator: "\n")
        addSection(heading, body: "<table class=\"metrics\">\n\(head)<tbody>\n\(body)\n</tbody>\n</table>")
    }

    /// A table sorted by a click on a header and filtered by a box above it (the page's one inline
    /// script), each row's first cell linking `links[row]` (a relative path) when given.
    public mutating func addSortableTable(header: [String], rows: [[String]], links: [String?], heading: String? = nil)
    {
        hasSortableTable = true
        addSection(heading, body: SortableTable.html(header: header, rows: rows, links: links))
    }

    /// A table whose rows hold a label, numbers drawn as bars (each against the row's largest
    /// magnitude, so two runs' values of one metric compare at a glance) and a note.
    public mutating func addBarTable(
        header: [String], rows: [(label: String, values: [Double?], note: String)], heading: String? = nil
    ) {
        let body = rows.map { row in
            let largest = row.values.compactMap { $0.map(abs) }.filter(\.isFinite).max() ?? 0
            let cells = row.values.map { value -> String in
                guard let value, value.isFinite else { return "<td>—</td>" }
                let width = largest > 0 ? Int((abs(value) / largest * 100).rounded()) : 0
                return "<td><span class=\"bar\" style=\"width: \(width)%\"></span>"
                    + "\(escape(String(format: "%.6g", value)))</td>"
            }
            return "<tr><td>\(escape(row.label))</td>" + cells.joined() + "<td>\(escape(row.note))</td></tr>"
        }
        let head = "<tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
        addSection(
            heading,
            body: "<table class=\"metrics bars\">\n<thead>\(head)</thead>\n<tbody>\n"
                + body.joined(separator: "\n") + "\n</tbody>\n</table>")
    }

    /// A PNG image with a caption, embedded as a `data:` URL.
    public mutating func addPNG(_ png: [UInt8], caption: String) throws {
        guard png.starts(with: [0x89, 0x50, 0x4E, 0x47]) else {
            throw SourceError(caption, "the image to embed is not a PNG")
        }
        let source = "data:image/png;base64," + Foundation.Data(png).base64EncodedString()
        addFigure("<img src=\"\(source)\" alt=\"\(escape(caption))\">", caption: caption)
    }

    /// The PNG file at `path`, with a caption.
    public mutating func addPNG(path: String, caption: String) throws {
        let bytes: Foundation.Data
        do {
            bytes = try Foundation.Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SourceError(path, "cannot read the image: \(error.localizedDescription)")
        }
        do { try addPNG([UInt8](bytes), caption: caption) } catch { throw SourceError(path, "is not a PNG") }
    }

    /// An SVG drawn by this module (`LinePlot` or `ScatterPlot`), inlined with a caption.
    public mutating func addSVG(_ svg: [UInt8], caption: String) throws {
        let inline = try InlineSVG.prepare(svg, idPrefix: "figure\(figureCount + 1)-", source: caption)
        addFigure(inline, caption: caption)
    }

    /// The whole page.
    public func html() -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'\(hasSortableTable ? "; script-src 'unsafe-inline'" : "")">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        \(refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? "")
        <title>\(escape(title))</title>
        <style>
        \(HTMLReport.styleSheet)
        </style>
        </head>
        <body>
        <main>
        <h1>\(escape(title))</h1>
        \(sections.joined(separator: "\n"))
        </main>
        \(hasSortableTable ? "<script>\n\(SortableTable.script)\n</script>" : "")
        </body>
        </html>

        """
    }

    /// Writes the page to `path`, atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(text: html(), to: path)
    }

    private mutating func addSection(_ heading: String?, body: String) {
        let title = heading.map { "<h2>\(escape($0))</h2>\n" } ?? ""
        sections.append("<section>\n\(title)\(body)\n</section>")
    }

    private mutating func addFigure(_ content: String, caption: String) {
        figureCount += 1
        sections.append("<figure>\n\(content)\n<figcaption>\(escape(caption))</figcaption>\n</figure>")
    }

    private func escape(_ text: String) -> String { MarkupEscaping.escape(text) }

    /// Plain and readable on screen and on paper; system fonts only, since nothing may be fetched.
    private static let styleSheet = """
        body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #222;
          background: #fff; margin: 0; line-height: 1.45; }
        main { max-width: 1000px; margin: 0 auto; padding: 1.5rem; }
        h1 { font-size: 1.6rem; margin: 0 0 1rem; }
        h2 { font-size: 1.2rem; margin: 2rem 0 0.6rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.2rem; margin: 0; }
        dl.facts dt { font-weight: 600; }
        dl.facts dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
        pre { background: #f6f6f6; border: 1px solid #e2e2e2; padding: 0.8rem; overflow: auto; font-size: 0.85rem; }
        table.metrics { border-collapse: collapse; font-variant-numeric: tabular-nums; }
        table.metrics th, table.metrics td { border-bottom: 1px solid #e2e2e2; padding: 0.25rem 0.8rem; }
        table.metrics th { text-align: left; background: #f6f6f6; }
        table.metrics td { text-align: right; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        table.metrics td:first-child { text-align: left; font-family: inherit; }
        table.bars td { min-width: 9rem; }
        table.bars span.bar { display: block; height: 0.35rem; background: #4c72b0; margin-bottom: 0.15rem; }
        figure { margin: 1.5rem 0; }
        figure img, figure svg { max-width: 100%; height: auto; display: block; }
        figure img { image-rendering: pixelated; }
        figcaption { color: #555; font-size: 0.9rem; margin-top: 0.3rem; }
        """
}
