import Foundation
import RunFolder

/// Where a run's wall-clock time goes, stage by stage: what the end of a run prints and run.json
/// records (`stages`), so that a slow run says whether training, evaluation, checkpoints or the
/// outputs took the time.
public final class StageClock: @unchecked Sendable {
    /// The stages, in the order a run passes through them.
    public enum Stage: String, CaseIterable, Sendable {
        /// From the process's start to the run's first step of work (the binary loading).
        case startup
        /// Checking the spec and setting up the arithmetic.
        case check
        /// Reading the data.
        case load
        /// Training steps (the epochs less their evaluation and checkpoints).
        case train
        /// Part of `train`: the steps waiting for a streamed image folder's next batch to be
        /// decoded (`BatchPrefetcher`); near 0 when decoding keeps ahead of the steps.
        case dataWait = "data_wait"
        /// Measuring every split after each epoch.
        case evaluation
        /// Writing checkpoints.
        case checkpoints
        /// metrics.json and the outputs (t-SNE, latent pictures, Parzen estimate).
        case outputs
        /// The curves and report.html.
        case report
    }

    private var seconds: [Stage: Double] = [:]

    /// A clock whose `startup` is the time since this process began, where the system says.
    public init() {
        if let since = Self.secondsSinceProcessStart() { seconds[.startup] = since }
    }

    /// Runs `body`, counting its time to `stage`.
    public func measure<T>(_ stage: Stage, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { add(stage, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        return try body()
    }

    /// Counts `duration` seconds to `stage`.
    public func add(_ stage: Stage, _ duration: Double) {
        seconds[stage, default: 0] += duration
    }

    /// The seconds of `stage` so far.
    public func total(_ stage: Stage) -> Double { seconds[stage] ?? 0 }

    /// Each stage that took time, in seconds to the millisecond: run.json's `stages`.
    public var json: JSON {
        .object(
            Dictionary(
                uniqueKeysWithValues: Stage.allCases.compactMap { stage in
                    seconds[stage].map { (stage.rawValue, JSON.number(($0 * 1000).rounded() / 1000)) }
                }))
    }

    /// `time: check 0.1 s, load 0.4 s, train 20.1 s, …` for the end of a run.
    public var summary: String {
        let parts = Stage.allCases.compactMap { stage in
            seconds[stage].map { "\(stage.rawValue) \(String(format: $0 < 10 ? "%.2f" : "%.1f", $0)) s" }
        }
        return "time: " + parts.joined(separator: ", ")
    }

    /// From /proc: the process's start (field 22 of /proc/self/stat, in clock ticks since boot)
    /// against the system's uptime.
    static func secondsSinceProcessStart() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
            let up = uptime.split(separator: " ").first.flatMap({ Double($0) }),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name, which may hold spaces: state is field 3, starttime 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard hertz > 0 else { return nil }
        return max(0, up - ticks / hertz)
    }
}
