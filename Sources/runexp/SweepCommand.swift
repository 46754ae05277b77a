import ArgumentParser
import Foundation
import Runner
import Spec
import Study
import RunFolder

/// `runexp sweep SPEC`: a study over seeds and settings, with mean, std and confidence intervals.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a spec over several seeds and settings and summarize every metric per setting.",
        discussion: """
            The study is the spec's `sweep:` (seeds, and a grid or a random search's space), or --seeds, --grid,
            --random and --space (which win); --asha stops trials that fall behind at each rung. Every trial is
            checked before any starts. Examples:
              runexp sweep experiments/cnn_ae.yaml --seeds 0-2 --grid train.batch_size=64,128 --set train.epochs=2
              runexp sweep experiments/cnn_ae.yaml --seeds 0-4 --engine slurm --time 30:00
              runexp sweep experiments/cnn_ae.yaml --tpe 30 --space 'train.batch_size=choice(32,64,128)' --set train.epochs=2
              runexp sweep experiments/cnn_ae.yaml --random 12 --space phases.reconstruction.optimizer.adam.lr='loguniform(1e-4,3e-3)' --asha validation_mse,1,3
              runexp sweep --resume results/cnn_ae/sweep-1
            Exit codes: 0 every trial complete, 1 some trials failed, 2 bad input, 130 interrupted.
            """)

    @Argument(help: "The experiment spec (YAML).")
    var spec: String?

    @Option(help: "Seeds: a list and ranges, e.g. 0-4 or 0,3,7.")
    var seeds: String?

    @Option(
        help: ArgumentHelp(
            "A spec key and the values it takes, e.g. train.batch_size=64,128 (repeatable).", valueName: "key=v1,v2"))
    var grid: [String] = []

    @Option(help: ArgumentHelp("A random search: draw this many settings from --space.", valueName: "trials"))
    var random: Int?

    @Option(
        help: ArgumentHelp(
            "A TPE search: this many settings, the first 10 drawn at random and each later one from the best so far (on the --asha metric, else validation_mse).",
            valueName: "trials"))
    var tpe: Int?

    @Option(
        help: ArgumentHelp(
            "A spec key and what a random search draws it from: uniform(a,b), loguniform(a,b), int(a,b) or choice(v1,v2,…) (repeatable).",
            valueName: "key=distribution"))
    var space: [String] = []

    @Option(
        help: ArgumentHelp(
            "Stop trials that fall behind (asynchronous successive halving): the metric, the first rung's epochs (1) and the reduction (3), e.g. validation_mse,1,3.",
            valueName: "metric[,min_epochs[,reduction]]"))
    var asha: String?

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Override a spec value in every trial (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: ArgumentHelp("Where the trials run: this machine, or a Slurm job array.", valueName: "local|slurm"))
    var engine: String?

    @Option(help: "Trials at once on this machine (default 1; the local engine).")
    var jobs = 1

    @Option(
        help: "BLAS threads per trial (default: the cores divided by --jobs; on Slurm 1, its --cpus-per-task).",
        transform: ThreadCount.parse)
    var threads: Int?

    @Option(help: "A Slurm time limit per task, e.g. 30:00.")
    var time: String?

    @Option(
        name: .customLong("slurm-arg"),
        help: ArgumentHelp("A further #SBATCH line, e.g. --slurm-arg=--partition=short (repeatable).", valueName: "arg")
    )
    var slurmArguments: [String] = []

    @Option(help: "The study folder (default: results/<name>/sweep-<n>).")
    var out: String?

    @Option(help: "Run again the trials of this study folder that are not complete.")
    var resume: String?

    @Flag(help: "With --engine slurm: submit and return at once; `--resume DIR` follows and summarizes later.")
    var detach = false

    func validate() throws {
        if resume != nil, spec != nil || out != nil || seeds != nil || !grid.isEmpty || !overrides.isEmpty {
            throw ValidationError(
                "--resume repeats the study in its folder; give it alone (with --engine, --jobs, --threads, --time)")
        }
        if resume == nil, spec == nil { throw ValidationError("give a spec, or --resume DIR") }
        if jobs < 1 { throw ValidationError("--jobs must be 1 or more; found \(jobs)") }
        if let engine, !["local", "slurm"].contains(engine) {
            throw ValidationError("--engine must be local or slurm; found '\(engine)'")
        }
        if detach, engine != "slurm" { throw ValidationError("--detach is for --engine slurm") }
        if engine != "slurm", resume == nil, time != nil || !slurmArguments.isEmpty {
            throw ValidationError("--time and --slurm-arg are for --engine slurm")
        }
        if let time, let problem = SlurmEngine.problem(time: time) { throw ValidationError(problem) }
        for argument in slurmArguments {
            if let problem = SlurmEngine.problem(slurmArgument: argument) { throw ValidationError(problem) }
        }
        if let seeds, Self.parseSeeds(seeds) == nil {
            throw ValidationError("--seeds must be seeds and ranges such as 0-4 or 0,3,7; found '\(seeds)'")
        }
        if let random, random < 1 { throw ValidationError("--random must be 1 or more trials; found \(random)") }
        if let tpe, tpe < 1 { throw ValidationError("--tpe must be 1 or more trials; found \(tpe)") }
        if random != nil, tpe != nil { throw ValidationError("give --random or --tpe: one search") }
        if random != nil || tpe != nil, space.isEmpty {
            throw ValidationError("--random and --tpe draw from --space: give the keys they draw")
        }
        if !space.isEmpty, !grid.isEmpty {
            throw ValidationError("give --grid or --space: a random search draws every key it varies")
        }
        for entry in space {
            if case .failure(let problem) = Self.parseSpace(entry) { throw ValidationError("--space: \(problem)") }
        }
        if let asha, case .failure(let problem) = PruneSpec.parse(asha) { throw ValidationError("--asha: \(problem)") }
        for entry in grid where Self.parseGrid(entry) == nil {
            throw ValidationError("--grid must be key=v1,v2,… such as train.batch_size=64,128; found '\(entry)'")
        }
    }

    /// `0-2,5` → [0, 1, 2, 5].
    static func parseSeeds(_ text: String) -> [UInt64]? {
        var seeds: [UInt64] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = UInt64(bounds[0]), let high = UInt64(bounds.last!),
                low <= high, high - low < 10_000
            else { return nil }
            seeds += Array(low...high)
        }
        return seeds
    }

    /// `key=v1,v2` → (key, [v1, v2]).
    static func parseGrid(_ text: String) -> (key: String, values: [String])? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let key = String(text[..<equals])
        let values = text[text.index(after: equals)...].split(separator: ",").map(String.init)
        guard !key.isEmpty, !values.isEmpty else { return nil }
        return (key, values)
    }

    /// `--tpe`'s search: on the pruning metric when the study prunes, else the validation MSE.
    static func tpe(_ prune: PruneSpec?) -> TPESpec {
        TPESpec(metric: prune?.metric ?? Metric.of(.mse, on: .validation).name, startup: 10)
    }

    /// `key=loguniform(1e-4,1e-2)` → the key and its distribution.
    static func parseSpace(_ text: String) -> Result<
        (key: String, distribution: SearchDistribution), SearchSpaceProblem
    > {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            return .failure(
                SearchSpaceProblem("give key=distribution, e.g. train.batch_size=choice(64,128); found '\(text)'"))
        }
        return SearchDistribution.parse(String(text[text.index(after: equals)...])).map {
            (String(text[..<equals]), $0)
        }
    }

    func run() throws {
        StopSignal.install()
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        // A resumed study keeps its engine unless told otherwise.
        let chosen = self.engine ?? resume.flatMap { try? StudyRecord.read($0).engine } ?? "local"
        let engine: any StudyEngine
        if chosen == "slurm" {
            do {
                _ = try SlurmEngine.locateSubmitter()
            } catch {
                throw Exit.failing(error)
            }
            // The study folder's path goes into study.sbatch: refuse one it cannot carry before making it.
            let folder = URL(fileURLWithPath: out ?? resume ?? FileManager.default.currentDirectoryPath).standardized
            if let problem = SlurmEngine.problem(studyFolder: folder.path) { throw Exit.failing(StudyError(problem)) }
            var slurm = SlurmEngine(
                executable: RunexpVersion.executable.path, threads: threads ?? 1, time: time,
                extraArguments: slurmArguments)
            slurm.detach = detach
            engine = slurm
        } else {
            engine = LocalEngine(
                executable: RunexpVersion.executable.path, jobs: jobs, threads: threads ?? max(1, cores / jobs))
        }
        let print: (String) -> Void = { FileHandle.standardErrorText($0) }
        let result: (folder: String, outcome: Sweep.Outcome)
        do {
            if let resume {
                result = try Sweep.resume(resume, engine: engine, progress: print)
            } else {
                result = try Sweep.run(try request(), engine: engine, out: out, progress: print)
            }
        } catch let error as ClusterError {
            throw Exit.failing(error, Exit.differs)
        } catch {
            throw Exit.failing(error)
        }
        if result.outcome == .detached {
            FileHandle.standardOutputText(
                "study: \(result.folder) submitted; `runexp sweep --resume \(result.folder)` follows it and summarizes")
            return
        }
        FileHandle.standardOutputText("study: \(result.folder)/report.html")
        switch result.outcome {
        case .complete, .detached: return
        case .someFailed(let count):
            FileHandle.standardErrorText("error: \(count) trials failed; their logs are under \(result.folder)/logs")
            throw ExitCode(Exit.differs)
        case .interrupted:
            FileHandle.standardErrorText("interrupted: `runexp sweep --resume \(result.folder)` runs the rest")
            throw ExitCode(Exit.interrupted)
        }
    }

    /// The study the command line and the spec's `sweep:` ask for (the command line wins).
    func request() throws -> StudyRequest {
        let spec = spec!
        let loaded: ExperimentSpec
        switch SpecLoader.load(path: spec, overrides: overrides) {
        case .success(let value): loaded = value
        case .failure(let problems): throw LocatedError(problems, file: spec)
        }
        let declared = loaded.sweep
        let seeds = self.seeds.flatMap(Self.parseSeeds) ?? declared?.seeds.map { UInt64($0) }
        let grid =
            self.grid.isEmpty ? declared?.grid.map { ($0.key, $0.values) } ?? [] : self.grid.compactMap(Self.parseGrid)
        var request = StudyRequest(specPath: spec, seeds: seeds ?? [loaded.seed], grid: grid, overrides: overrides)
        request.prune = asha.flatMap { try? PruneSpec.parse($0).get() } ?? declared?.prune
        if !space.isEmpty {
            request.grid = []
            request.space = space.compactMap { try? Self.parseSpace($0).get() }
            request.searchTrials = random ?? tpe ?? declared?.searchTrials ?? 10
            request.tpe = tpe.map { _ in Self.tpe(request.prune) } ?? (random == nil ? declared?.tpe : nil)
        } else if self.grid.isEmpty, let declared, let count = declared.searchTrials {
            request.space = declared.space.map { ($0.key, $0.distribution) }
            request.searchTrials = random ?? tpe ?? count
            request.tpe = tpe.map { _ in Self.tpe(request.prune) } ?? (random == nil ? declared.tpe : nil)
        }
        if self.seeds == nil, request.grid.isEmpty, request.searchTrials == nil, declared == nil {
            throw RunError(
                "nothing to sweep: give --seeds, --grid or --space, or a `sweep:` in the spec (docs/studies.md)")
        }
        return request
    }
}
