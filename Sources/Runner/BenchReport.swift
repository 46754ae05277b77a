import Kernels

/// How `runexp bench` prints its figures: a table, or one JSON object.
public enum BenchReport {
    /// Figures where larger is better; for the others (seconds, memory) the ratio is inverted so
    /// that a ratio above 1 always means runexp is ahead.
    static let higherIsBetter: Set<String> = ["cnn_ae_train_img_s", "aae_mlp_train_img_s", "sgemm_gflops"]

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

    /// The lead over PyTorch each model's throughput must reach (the oneDNN issue's targets).
    static let throughputTargets = ["cnn_ae": 2.0, "aae_mlp": 1.6]
    /// The largest share of a step that may go outside the products.
    static let overheadTarget = 10.0

    /// The targets, each with the figure it reads and whether this run met it, and what
    /// portable determinism costs when both modes were measured.
    public static func targets(_ figures: [Bench.Figure], _ peer: [String: Double]) -> [String] {
        let values = Dictionary(figures.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [String] = []
        for name in ["cnn_ae", "aae_mlp"] {
            if let figure = values["\(name)_train_img_s"], let other = peerValue(figure.key, peer) {
                let r = ratio(figure, other), target = throughputTargets[name] ?? 1
                lines.append(
                    "\(name) throughput ≥ \(formatFixed(target, 1))× PyTorch: \(formatFixed(r, 2))× — "
                        + (r >= target ? "met" : "MISSED"))
            }
            if let fast = values["\(name)_train_img_s"], let portable = values["\(name)_train_img_s_portable"] {
                let r = portable.value / max(fast.value, 1e-12)
                lines.append("\(name) in portable determinism: \(formatFixed(r, 2))× fast determinism's throughput")
            }
            if let overhead = values["\(name)_loop_overhead_pct"] {
                let met = overhead.value < overheadTarget
                lines.append(
                    "\(name) step time outside products < \(Int(overheadTarget))%: \(formatFixed(overhead.value, 1))% — "
                        + (met ? "met" : "MISSED"))
            }
        }
        return lines
    }

    static func ratio(_ figure: Bench.Figure, _ peer: Double) -> Double {
        higherIsBetter.contains(figure.key) ? figure.value / peer : peer / max(figure.value, 1e-12)
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
