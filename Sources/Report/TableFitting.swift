/// How a `TextTable` gives way when it is wider than the terminal: which columns may be left out
/// (in the order they go) and which may be cut short with `…`: at once to a comfortable width,
/// further (down to the fewest characters) only when leaving columns out is not enough.
public struct TableFit: Sendable {
    /// The widest line allowed, in characters.
    public var width: Int
    /// Column indices, the first left out first.
    public var dropOrder: [Int] = []
    /// Column index → the fewest characters it may be cut to ... the most it keeps while other
    /// columns are left out.
    public var shrinkable: [Int: ClosedRange<Int>] = [:]

    public init(width: Int, dropOrder: [Int] = [], shrinkable: [Int: ClosedRange<Int>] = [:]) {
        (self.width, self.dropOrder, self.shrinkable) = (width, dropOrder, shrinkable)
    }

    /// `text` in lines of at most `width` characters, broken at spaces (a longer word is cut).
    public static func wrap(_ text: String, width: Int) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return (lines + [line]).map { cut($0, to: width) }.joined(separator: "\n")
    }

    /// `text` cut to `width` characters, its last one `…` when anything was cut.
    public static func cut(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(max(width, 0))) }
        return String(text.prefix(width - 1)) + "…"
    }
}

extension TextTable {
    /// The table in at most `fit.width` characters a line: long cells of shrinkable columns are cut
    /// to their comfortable width, then columns are left out in `fit.dropOrder`, then shrinkable
    /// columns are cut further; any line still too wide (a terminal narrower than one column) is cut. Returns the text and the headers of the columns left out,
    /// for a footer that says so.
    public func fitted(_ fit: TableFit, indent: Int = 2) -> (text: String, dropped: [String]) {
        let natural = headers.indices.map { column in
            ([headers] + rows).map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        func least(_ column: Int) -> Int {
            fit.shrinkable[column].map { min(natural[column], max($0.lowerBound, headers[column].count)) }
                ?? natural[column]
        }
        func comfortable(_ column: Int) -> Int {
            fit.shrinkable[column].map { min(natural[column], max($0.upperBound, headers[column].count)) }
                ?? natural[column]
        }
        func total(_ columns: [Int], _ widths: (Int) -> Int) -> Int {
            indent + columns.map(widths).reduce(0, +) + 2 * max(columns.count - 1, 0)
        }
        var kept = Array(headers.indices)
        var drops = fit.dropOrder.filter { kept.contains($0) }
        while total(kept, comfortable) > fit.width, !drops.isEmpty {
            let column = drops.removeFirst()
            kept.removeAll { $0 == column }
        }
        var widths = Dictionary(uniqueKeysWithValues: kept.map { ($0, comfortable($0)) })
        // Cut the widest shrinkable column a character at a time, so the cuts share the excess.
        while total(kept, { widths[$0]! }) > fit.width {
            guard let widest = kept.filter({ widths[$0]! > least($0) }).max(by: { widths[$0]! < widths[$1]! })
            else { break }
            widths[widest]! -= 1
        }
        var table = TextTable(kept.map { headers[$0] }, alignments: kept.map { alignments[$0] })
        for row in rows {
            table.add(kept.map { $0 < row.count ? TableFit.cut(row[$0], to: widths[$0]!) : "" })
        }
        let text = table.render(indent: indent).split(separator: "\n", omittingEmptySubsequences: false)
            .map { TableFit.cut(String($0), to: fit.width) }.joined(separator: "\n")
        let dropped = headers.indices.filter { !kept.contains($0) }.map { headers[$0] }
        return (text, dropped)
    }
}
