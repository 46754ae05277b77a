import CCairo

/// One entry of a plot's legend: a swatch (a line, a marker, or both) and a name.
struct LegendEntry {
    let name: String
    let color: PlotColor
    let showsLine: Bool
    let showsMarker: Bool
    /// The swatch's opacity, matching a faint curve so the legend tells it from its smoothed twin.
    var opacity: Double = 1
}

/// Where a legend goes and how its names are broken into lines. A legend whose names fit stands to
/// the right of the data; one whose names would squeeze the data moves below it, its names wrapped
/// to the figure's width and set in as many columns as fit; a legend too tall even there shows its
/// first entries and says how many more there are. A long name never makes a figure fail.
struct LegendLayout {
    enum Placement { case right, below }

    static let lineHeight = 20.0
    /// The extra height of each wrapped line of one entry.
    static let wrappedLineHeight = 15.0
    static let padding = 10.0

    let placement: Placement
    /// Each shown entry's name, broken into lines.
    let entries: [(entry: LegendEntry, lines: [String])]
    /// The width of one column of entries (swatch, gap, text, margin).
    let columnWidth: Double
    let columns: Int
    let height: Double

    static let empty = LegendLayout(placement: .right, entries: [], columnWidth: 0, columns: 1, height: 0)

    /// The legend to the right, with each name on one line when the data keeps at least `minimum`
    /// of `available` width; nil when it does not.
    static func right(_ legend: [LegendEntry], context: OpaquePointer, available: Double, minimum: Double)
        -> LegendLayout?
    {
        let names = legend.map { textWidth(context, $0.name) }.max() ?? 0
        let width = (PlotFrame.legendSwatch + 6 + names + 16).rounded(.up)
        guard available - width >= minimum else { return nil }
        return LegendLayout(
            placement: .right, entries: legend.map { ($0, [$0.name]) }, columnWidth: width, columns: 1,
            height: Double(legend.count) * lineHeight + padding)
    }

    /// The legend below the data, across `width`, at most `maximumHeight` tall.
    static func below(_ legend: [LegendEntry], context: OpaquePointer, width: Double, maximumHeight: Double)
        -> LegendLayout
    {
        let chrome = PlotFrame.legendSwatch + 6 + 16
        let textRoom = max(width - chrome - 2 * padding, 40)
        let wrapped = legend.map { entry in (entry, wrap(entry.name, width: textRoom, context: context)) }
        let widest = wrapped.flatMap { $0.1 }.map { textWidth(context, $0) }.max() ?? 0
        let columnWidth = (chrome + widest).rounded(.up)
        let columns = max(1, min(legend.count, Int((width - 2 * padding) / columnWidth)))
        var shown = wrapped
        var kept = legend.count
        while kept > 0, height(shown, columns: columns) > maximumHeight {
            kept -= 1
            let more = LegendEntry(
                name: "… and \(legend.count - kept) more", color: legend[0].color, showsLine: false, showsMarker: false)
            shown = Array(wrapped.prefix(kept)) + [(more, [more.name])]
        }
        if height(shown, columns: columns) > maximumHeight { shown = [] }
        return LegendLayout(
            placement: .below, entries: shown, columnWidth: columnWidth, columns: columns,
            height: shown.isEmpty ? 0 : height(shown, columns: columns))
    }

    private static func height(_ entries: [(LegendEntry, [String])], columns: Int) -> Double {
        let rows = stride(from: 0, to: entries.count, by: columns).map { start in
            entries[start..<min(start + columns, entries.count)].map(\.1.count).max() ?? 1
        }
        return rows.reduce(padding) { $0 + lineHeight + Double($1 - 1) * wrappedLineHeight }
    }

    /// `text` broken at spaces into lines no wider than `width` (a word wider than that is broken
    /// between characters).
    static func wrap(_ text: String, width: Double, context: OpaquePointer) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if textWidth(context, candidate) <= width {
                line = candidate
                continue
            }
            if !line.isEmpty { lines.append(line) }
            line = ""
            for character in word {
                if !line.isEmpty, textWidth(context, line + String(character)) > width {
                    lines.append(line)
                    line = ""
                }
                line.append(character)
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// The top-left corner of each shown entry, with `left`/`top` the legend box's corner.
    func positions(left: Double, top: Double) -> [(x: Double, y: Double)] {
        var result: [(Double, Double)] = []
        var rowTop = top + 5
        for start in stride(from: 0, to: entries.count, by: columns) {
            let row = entries[start..<min(start + columns, entries.count)]
            for column in 0..<row.count { result.append((left + Double(column) * columnWidth, rowTop)) }
            let lines = row.map(\.lines.count).max() ?? 1
            rowTop += Self.lineHeight + Double(lines - 1) * Self.wrappedLineHeight
        }
        return result
    }

    /// The box's width.
    var width: Double { Double(columns) * columnWidth }
}
