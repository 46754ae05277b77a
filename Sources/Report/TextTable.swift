/// A plain-text table with aligned columns, for terminal reports.
public struct TextTable {
    /// How a column lines up.
    public enum Alignment { case left, right }

    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]] = []

    public init(_ headers: [String], alignments: [Alignment]) {
        self.headers = headers
        self.alignments = alignments
    }

    /// Adds a row; missing cells are empty.
    public mutating func add(_ cells: [String]) {
        rows.append(cells)
    }

    /// The table, indented by `indent` spaces, with a rule under the header.
    public func render(indent: Int = 2) -> String {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0.count > column ? $0[column].count : 0 }.max() ?? 0 }
        let pad = String(repeating: " ", count: indent)
        func line(_ cells: [String]) -> String {
            let text = headers.indices.map { column -> String in
                let cell = column < cells.count ? cells[column] : ""
                let fill = String(repeating: " ", count: widths[column] - cell.count)
                return alignments[column] == .right ? fill + cell : cell + fill
            }.joined(separator: "  ")
            return pad + String(text.reversed().drop(while: { $0 == " " }).reversed())
        }
        let rule = String(
            (pad + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
                .reversed().drop(while: { $0 == " " }).reversed())
        return ([line(headers), rule] + rows.map(line)).joined(separator: "\n")
    }
}

/// `1234567` → `1,234,567`: counts people can read at a glance.
public func groupedDigits(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, character) in digits.enumerated() {
        if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return (value < 0 ? "-" : "") + out
}

/// `3_400_000` → `3.40 M`: large costs in a compact form.
public func compactCount(_ value: Int) -> String {
    let v = Double(value)
    if v >= 1e9 { return formatFixed(v / 1e9, 2) + " G" }
    if v >= 1e6 { return formatFixed(v / 1e6, 2) + " M" }
    if v >= 1e4 { return formatFixed(v / 1e3, 1) + " k" }
    return String(value)
}

/// `value` with exactly `decimals` digits after the point, without Foundation's locale.
public func formatFixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    let fraction = Int(scaled - Double(whole) * scale)
    let sign = value < 0 && scaled > 0 ? "-" : ""
    guard decimals > 0 else { return sign + String(whole) }
    let digits = String(fraction)
    return sign + String(whole) + "." + String(repeating: "0", count: decimals - digits.count) + digits
}
