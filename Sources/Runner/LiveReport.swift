import Foundation

/// The report of a run still going: after an epoch (as often as keeps it under about 2% of the
/// run's time, `WriteSchedule`) the loss curves and `report.html` are written from what the run has
/// recorded so far, marked running and reloading itself, so a browser left open follows the run.
/// The final report replaces it; a run that stops early leaves it marked so, without reloading.
final class LiveReport {
    let session: RunSession
    var schedule = WriteSchedule(.auto)
    /// How often the page reloads itself while the run goes on.
    static let refreshSeconds = 10

    init(session: RunSession) {
        self.session = session
    }

    /// After `epoch` of training: writes the live report when it is due (never after the last
    /// epoch, which the final report follows).
    func epochEnded(_ epoch: Int) throws {
        let epochs = session.checked.spec.train.epochs
        guard epoch < epochs, schedule.isDue(afterEpoch: epoch, last: false) else { return }
        let time = ISO8601DateFormatter.string(
            from: Date(), timeZone: .current, formatOptions: [.withTime, .withColonSeparatorInTime])
        let status =
            "running: epoch \(epoch) of \(epochs) done at \(time); this page reloads every "
            + "\(Self.refreshSeconds) s until the run ends"
        try schedule.write(epoch: epoch) { try write(status, refresh: Self.refreshSeconds) }
    }

    /// The report of a run that stopped before its outputs: `status` says how.
    func stopped(_ status: String) throws {
        try write(status, refresh: nil)
    }

    private func write(_ status: String, refresh: Int?) throws {
        let outputs = RunOutputs(session: session, history: session.history)
        var figures: [(path: String, caption: String)] = []
        var number = 0
        for output in session.checked.spec.outputs {
            guard case .curves(let phases) = output.kind else { continue }
            figures += try outputs.curves(
                phases.isEmpty ? session.checked.spec.phases.map(\.name) : phases, number: number)
            number += 1
        }
        try outputs.writeReport(summary: [:], figures: figures, notes: [], live: (status, refresh))
    }
}
