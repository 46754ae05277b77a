import Foundation
import Study

/// The values the `sbatch` target gives the Slurm engine: `key=value` fields separated by NUL
/// bytes, which no command-line value can hold. Keys: `time`, `slurm-arg` (repeatable),
/// `folder`, `executable`, `spec`, `threads`, `seed` (repeatable), `set` (repeatable) and `grid`
/// (`key=v1,v2`, repeatable); other fields are ignored.
struct SbatchRequest {
    var time: String?
    var slurmArguments: [String] = []
    var folder = "/tmp/study"
    var executable = "/usr/local/bin/runexp"
    var spec = "spec.yaml"
    var threads = 1
    var seeds: [UInt64] = []
    var overrides: [String] = []
    var grid: [(key: String, values: [String])] = []

    init(_ bytes: [UInt8]) {
        for field in bytes.split(separator: 0) {
            let text = String(decoding: field, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            let value = String(text[text.index(after: equals)...])
            switch text[..<equals] {
            case "time": time = value
            case "slurm-arg": slurmArguments.append(value)
            case "folder": folder = value
            case "executable": executable = value
            case "spec": spec = value
            case "threads": threads = Int(value) ?? 1
            case "seed": if let seed = UInt64(value) { seeds.append(seed) }
            case "set": overrides.append(value)
            case "grid":
                // As `--grid key=v1,v2` reads it.
                guard let at = value.firstIndex(of: "=") else { continue }
                let values = value[value.index(after: at)...].split(separator: ",").map(String.init)
                if at != value.startIndex, !values.isEmpty { grid.append((String(value[..<at]), values)) }
            default: continue
            }
        }
    }

    /// The fields as one input.
    static func encode(_ fields: [String]) -> [UInt8] { Array(fields.joined(separator: "\u{0}").utf8) }

    /// The study the values ask for (seed 0 when none is given).
    var study: StudyRequest {
        StudyRequest(specPath: spec, seeds: seeds.isEmpty ? [0] : seeds, grid: grid, overrides: overrides)
    }

    /// What study.sbatch must give sbatch and bash for `matrix` in `folder`: Slurm's log name
    /// pattern (`%%` a percent sign, `%3a` the task) in `--output`, every other value as given.
    static func expectation(_ engine: SlurmEngine, _ matrix: TrialMatrix, folder: URL) -> SbatchExpectation {
        let logs = folder.path.replacingOccurrences(of: "%", with: "%%") + "/logs/trial-%3a.log"
        var arguments = [
            "--job-name=runexp-\(matrix.name)",
            "--array=\(matrix.trials.map { String($0.index) }.joined(separator: ","))",
            "--cpus-per-task=\(engine.threads)", "--mem=\(SlurmEngine.megabytes(matrix))M", "--output=\(logs)",
            "--open-mode=append",
        ]
        if let time = engine.time { arguments.append("--time=\(time)") }
        arguments += engine.extraArguments
        let tasks = matrix.trials.map { trial in
            let folder = StudyFolder.trialFolder(trial, in: folder)
            return (
                trial.index,
                [engine.executable]
                    + TrialCommand.arguments(trial, matrix.request, folder: folder, threads: engine.threads)
            )
        }
        return SbatchExpectation(sbatchArguments: arguments, tasks: tasks)
    }
}

/// The run folders the `compare` target writes: sections that each start with a line
/// `--- RUN/FILE`, RUN a plain name (1 to 8 lowercase letters and digits) and FILE `run.json`,
/// `metrics.json` or `resolved.yaml`; the bytes up to the next such line are the file. The runs
/// are compared in the order they first appear.
struct RunFolderBundle {
    /// The start of every folder's name the target writes, which a located error names.
    static let prefix = "runexp-fuzz-compare-"
    static let names: Set<String> = ["run.json", "metrics.json", "resolved.yaml"]

    var runs: [String] = []
    var files: [(run: String, name: String, bytes: ArraySlice<UInt8>)] = []

    init(_ bytes: [UInt8]) {
        var lineStart = 0
        var open: (run: String, name: String, from: Int)?
        func close(at end: Int) {
            guard let section = open else { return }
            files.append((section.run, section.name, bytes[section.from..<max(section.from, end)]))
        }
        while lineStart < bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            if let (run, name) = Self.header(bytes[lineStart..<lineEnd]) {
                close(at: lineStart)
                if !runs.contains(run) { runs.append(run) }
                open = (run, name, min(lineEnd + 1, bytes.count))
            }
            lineStart = lineEnd + 1
        }
        close(at: bytes.count)
    }

    /// The run and file a `--- RUN/FILE` line names, or nil for any other line.
    static func header(_ line: ArraySlice<UInt8>) -> (String, String)? {
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("--- ") else { return nil }
        let parts = text.dropFirst(4).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...8).contains(parts[0].count), names.contains(String(parts[1])),
            parts[0].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) })
        else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// Where the folders go: memory (/dev/shm) where there is one, since a million folders made
    /// and deleted on a disk ran at 13 inputs a second on the build machines (ext4 with discard).
    static let scratch =
        FileManager.default.isWritableFile(atPath: "/dev/shm")
        ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory

    /// Writes the runs into a new temporary folder and returns it; the caller removes it.
    func write() throws -> URL {
        let root = Self.scratch.appendingPathComponent(Self.prefix + UUID().uuidString)
        for run in runs {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(run), withIntermediateDirectories: true)
        }
        for file in files {
            try Data(file.bytes).write(to: root.appendingPathComponent(file.run).appendingPathComponent(file.name))
        }
        return root
    }

    /// Every run in exactly one group or set apart, each group's complete and incomplete runs adding up to its
    /// folders, and no statistic or test that is not a number.
    static func expectConsistent(_ comparison: Comparison, runs: Int) throws {
        let grouped = comparison.settings.map(\.folders.count)
        guard grouped.reduce(0, +) + comparison.apart.count == runs else {
            throw FuzzInvariantBroken(
                "\(runs) runs compared, but the groups hold \(grouped) and \(comparison.apart.count) are set apart")
        }
        let groups = comparison.summary.groups
        guard groups.map({ $0.complete + $0.incomplete }) == grouped else {
            throw FuzzInvariantBroken(
                "the groups hold \(grouped) runs, but the summary counts "
                    + "\(groups.map { "\($0.complete) + \($0.incomplete)" })")
        }
        for group in groups {
            for (name, summary) in group.metrics {
                let numbers =
                    [summary.mean, summary.std, summary.min, summary.max]
                    + (summary.interval.map { [$0.lowerBound, $0.upperBound] } ?? [])
                guard !numbers.contains(where: \.isNaN), summary.count <= group.complete else {
                    throw FuzzInvariantBroken("\(group.setting.label) \(name): \(summary)")
                }
            }
        }
        for best in comparison.summary.best {
            for (other, test) in best.tests {
                guard let test else { continue }
                guard !test.t.isNaN, !test.degreesOfFreedom.isNaN, (0...1).contains(test.p) else {
                    throw FuzzInvariantBroken("\(best.metric), \(best.setting.label) against \(other.label): \(test)")
                }
            }
        }
    }
}
