import Foundation
import Report

/// Turns training progress into terminal lines: one redrawn line while an epoch runs on a terminal,
/// one line per epoch otherwise.
final class ProgressPrinter: @unchecked Sendable {
    let console: RunConsole
    private var lastDraw = Date.distantPast

    init(console: RunConsole) {
        self.console = console
    }

    func step(_ p: StepProgress) {
        guard console.isTerminal, Date().timeIntervalSince(lastDraw) > 0.2 || p.batch == p.batches else { return }
        lastDraw = Date()
        let losses = p.losses.map { "\($0.phase) \(format($0.value))" }.joined(separator: "  ")
        console.progress(
            "epoch \(p.epoch)/\(p.epochs)  batch \(p.batch)/\(p.batches)  \(groupedDigits(Int(p.imagesPerSecond))) img/s  \(losses)  \(duration(p.secondsLeft)) left"
        )
    }

    func epoch(_ m: EpochMetrics) {
        let losses = m.losses.map { "\($0.phase) \(format($0.value))" }
        if console.isTerminal { console.progress("") }
        console.message("epoch \(m.epoch): " + (losses + measured(m)).joined(separator: "  "))
    }

    /// The splits measured once after training (`train.evaluate.final`: by default the test split's
    /// only figures), on the parameters the run keeps.
    func final(_ m: EpochMetrics) {
        guard !m.values.isEmpty else { return }
        if console.isTerminal { console.progress("") }
        console.message("after training: " + measured(m).joined(separator: "  "))
    }

    private func measured(_ m: EpochMetrics) -> [String] {
        m.values.map { metric, value in
            let shown = metric.direction == .neither ? formatFixed(value, 3) : format(value)
            return "\(metric.name.replacingOccurrences(of: "_", with: " ")) \(shown)"
        }
    }

    func finish() {
        if console.isTerminal { console.progress("") }
    }

    private func format(_ value: Double) -> String {
        abs(value) >= 0.01 || value == 0 ? formatFixed(value, 4) : String(format: "%.3e", value)
    }

    private func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 60 ? "\(total / 60)m\(String(format: "%02d", total % 60))s" : "\(total)s"
    }
}
