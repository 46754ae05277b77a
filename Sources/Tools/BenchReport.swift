import Kernels
import RunFolder
import Runner
import Report

/// How `runexp bench` prints its figures: a table, or one JSON object.
public enum BenchReport {
    /// Figures where larger is better; for the others (seconds, memory) the ratio is inverted so
    /// that a ratio above 1 always means runexp is ahead.
    static func higherIsBetter(_ key: String) -> Bool { key.hasSuffix("_train_img_s") || key == "sgemm_gflops" }

    /// The peer's value for `key`: the same name, or for GEMM the best of its shapes.
    static func peerValue(_ key: String, _ peer: [String: Double]) -> Double? {
        if let value = peer[key] { return value }
        if key == "sgemm_gflops" { return peer.filter { $0.key.hasPrefix("sgemm_") }.values.max() }
        return nil
    }

    /// A table with a PyTorch and a ratio column when the peer ran.
    public static func table(_ figures: [Bench.Figure], _ peer: [String: Double]) -> String {
        var table = TextTable(
            peer.isEmpty ? ["figure", "runexp", "unit"] : ["figure", "runexp", "PyTorch", "unit", "runexp ahead by"],
            alignments: peer.isEmpty ? [.left, .right, .left] : [.left, .right, .right, .left, .right])
        for figure in figures {
            var row = [figure.key, formatFixed(figure.value, figure.value < 10 ? 3 : 1)]
            if !peer.isEmpty {
                let other = peerValue(figure.key, peer)
                row.append(other.map { formatFixed($0, $0 < 10 ? 3 : 1) } ?? "—")
                row.append(figure.unit)
                row.append(other.map { ratio(figure, $0) }.map { formatFixed($0, 2) + "×" } ?? "—")
            } else {
                row.append(figure.unit)
            }
            table.add(row)
        }
        return table.render(indent: 0)
    }

    /// Each goal given on the command line with the figure it reads and whether this run met it
    /// (the goals themselves live in docs/performance.md, not in the binary), and what portable
    /// determinism costs when both modes were measured.
    public static func targets(_ figures: [Bench.Figure], _ peer: [String: Double], goals: [BenchGoal] = [])
        -> [String]
    {
        let values = Dictionary(figures.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [String] = goals.map { goal in
            guard let figure = values[goal.key] else { return "\(goal.text): no such figure in this bench" }
            switch goal.bound {
            case .lead(let lead):
                guard let other = peerValue(figure.key, peer) else { return "\(goal.text): the peer did not run" }
                let r = ratio(figure, other)
                return "\(goal.text): \(formatFixed(r, 2))× the peer — " + (r >= lead ? "met" : "MISSED")
            case .below(let bound):
                return "\(goal.text): \(formatFixed(figure.value, 1)) — " + (figure.value < bound ? "met" : "MISSED")
            case .above(let bound):
                return "\(goal.text): \(formatFixed(figure.value, 1)) — " + (figure.value > bound ? "met" : "MISSED")
            }
        }
        let portableSuffix = "_train_img_s_portable"
        for figure in figures where figure.key.hasSuffix(portableSuffix) {
            let name = String(figure.key.dropLast(portableSuffix.count))
            if let fast = values["\(name)_train_img_s"], let portable = values[figure.key] {
                let r = portable.value / max(fast.value, 1e-12)
                lines.append("\(name) in portable determinism: \(formatFixed(r, 2))× fast determinism's throughput")
            }
        }
        return lines
    }

    static func ratio(_ figure: Bench.Figure, _ peer: Double) -> Double {
        higherIsBetter(figure.key) ? figure.value / peer : peer / max(figure.value, 1e-12)
    }

    /// `{"cnn_ae_train_img_s": …, …, "peer": {…}, "ratios": {…}}`.
    public static func json(_ figures: [Bench.Figure], _ peer: [String: Double]) -> String {
        var members: [String: JSON] = [:]
        for figure in figures { members[figure.key] = .number(figure.value) }
        if !peer.isEmpty {
            members["peer"] = .object(peer.mapValues(JSON.number))
            var ratios: [String: JSON] = [:]
            for figure in figures {
                if let other = peerValue(figure.key, peer) { ratios[figure.key] = .number(ratio(figure, other)) }
            }
            members["ratios"] = .object(ratios)
        }
        return JSON.object(members).pretty
    }
}

/// A goal `runexp bench --goal` checks: a figure's lead over the peer (`cnn_ae_train_img_s=2x`:
/// runexp ahead by at least 2×), or a bound on the figure itself (`cnn_ae_loop_overhead_pct<10`,
/// `sgemm_gflops>150`).
public struct BenchGoal: Sendable, Equatable {
    /// What the goal asks of its figure.
    public enum Bound: Sendable, Equatable {
        case lead(Double)
        case below(Double)
        case above(Double)
    }

    public let key: String
    public let bound: Bound
    /// The goal as written.
    public let text: String

    /// Reads `KEY=Nx`, `KEY<N` or `KEY>N`; nil for anything else.
    public init?(_ text: String) {
        self.text = text
        if let index = text.firstIndex(of: "="), text.hasSuffix("x") || text.hasSuffix("×") {
            guard let lead = Double(text[text.index(after: index)...].dropLast()), lead > 0 else { return nil }
            (key, bound) = (String(text[..<index]), .lead(lead))
        } else if let index = text.firstIndex(where: { $0 == "<" || $0 == ">" }),
            let value = Double(text[text.index(after: index)...])
        {
            (key, bound) = (String(text[..<index]), text[index] == "<" ? .below(value) : .above(value))
        } else {
            return nil
        }
        guard !key.isEmpty else { return nil }
    }
}
