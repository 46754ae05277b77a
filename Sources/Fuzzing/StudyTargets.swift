import Foundation
import RunFolder
import Runner
import Study

/// The fuzz targets of studies: the `study.json` that `sweep --resume` reads back, the
/// `study.sbatch` the Slurm engine writes from the command line's values, and the run folders
/// `compare` reads.
extension FuzzTargets {
    /// `study.json` through `StudyRecord.read`, its trials laid out again as `--resume` does; what
    /// it accepts, written back, reads the same.
    public static let study = FuzzTarget(
        name: "study",
        summary:
            "study.json bytes through StudyRecord.read, the trial layout --resume makes, and a write/read round trip",
        seeds: utf8(StudySeeds.studyFiles), dictionary: utf8(StudySeeds.studyTokens), maxLength: 4096,
        isExpected: { error in (error as? StudyError)?.description.hasPrefix("fuzz-study") == true },
        body: { bytes in
            let saved = try StudyRecord.read(Data(bytes), folder: "fuzz-study")
            // As `--resume` makes the study's record again (it checks the spec too).
            var record = try StudyRecord(matrix: TrialMatrix.layout(saved.request), engine: saved.engine)
            record.statuses = saved.statuses
            record.jobIDs = saved.jobIDs
            let again = try StudyRecord.read(Data(record.json.pretty.utf8), folder: "rewritten")
            func facts(_ read: StudyRecord.Saved) -> [String] {
                let request = read.request
                return [
                    request.specPath, "\(request.seeds)", "\(request.grid.map { [$0.key] + $0.values })",
                    "\(request.overrides)", read.engine, "\(read.statuses)", "\(read.jobIDs)",
                ]
            }
            guard facts(again) == facts(saved) else {
                throw FuzzInvariantBroken("study.json reads back otherwise: \(facts(saved)) became \(facts(again))")
            }
        })

    /// Command-line values (`--time`, `--slurm-arg`, the study folder, the spec, seeds, `--grid`,
    /// `--set`, the executable's path) through the Slurm engine's checks and its `study.sbatch`
    /// writer: a usage error, or a script that `SbatchScriptCheck` reads back to exactly those values.
    public static let sbatch = FuzzTarget(
        name: "sbatch",
        summary:
            "--time, --slurm-arg, folder, spec, grid and --set values through SlurmEngine's checks and study.sbatch",
        seeds: StudySeeds.sbatchRequests.map(SbatchRequest.encode), dictionary: utf8(StudySeeds.sbatchTokens),
        maxLength: 2048, isExpected: { $0 is StudyError },
        body: { bytes in
            let request = SbatchRequest(bytes)
            let engine = SlurmEngine(
                executable: request.executable, threads: request.threads, time: request.time,
                extraArguments: request.slurmArguments)
            let folder = URL(fileURLWithPath: request.folder).absoluteURL.standardized
            if let problem = engine.scriptProblem(studyFolder: folder.path) { throw StudyError(problem) }
            var matrix = try TrialMatrix.layout(request.study)
            matrix.name = "fuzz_study"
            let script = engine.script(matrix.trials, studyFolder: folder, matrix: matrix)
            try SbatchScriptCheck.verify(script, SbatchRequest.expectation(engine, matrix, folder: folder))
        })

    /// Run folders (`run.json`, `metrics.json`, `resolved.yaml`) through `Comparison.make` and its
    /// text, CSV and JSON; the groups must hold every run once and no statistic may be NaN.
    public static let compare = FuzzTarget(
        name: "compare",
        summary: "run folders (run.json, metrics.json, resolved.yaml) through Comparison.make, its table and summary",
        seeds: utf8(StudySeeds.compareBundles), dictionary: utf8(StudySeeds.compareTokens), maxLength: 8192,
        isExpected: { error in
            // A run's own files are read by RunFolder (RunError), the comparison's rules are Study's.
            guard let text = (error as? StudyError)?.description ?? (error as? RunError)?.description else {
                return false
            }
            return text.contains(RunFolderBundle.prefix) || text.hasPrefix("compare needs two result folders")
        },
        body: { bytes in
            let bundle = RunFolderBundle(bytes)
            let root = try bundle.write()
            defer { try? FileManager.default.removeItem(at: root) }
            let comparison = try Comparison.make(bundle.runs.map { root.appendingPathComponent($0).path })
            _ = comparison.text
            _ = comparison.summary.csv(keys: comparison.keys)
            _ = comparison.summary.json.pretty
            try RunFolderBundle.expectConsistent(comparison, runs: bundle.runs.count)
        })
}
