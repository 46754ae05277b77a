import Foundation
import Spec
import Runner

/// What a study runs: one spec, every combination of the grid's values, each under every seed.
public struct StudyRequest: Sendable {
    /// The spec, as typed on the command line.
    public var specPath: String
    public var seeds: [UInt64]
    /// Spec keys and the values each takes, in the order given: `train.batch_size: [64, 128]`.
    public var grid: [(key: String, values: [String])]
    /// `--set` overrides every trial shares.
    public var overrides: [String] = []
    /// A random search: the keys it draws and what from, and how many settings (nil: the grid).
    public var space: [(key: String, distribution: SearchDistribution)] = []
    public var searchTrials: Int?
    /// Set for a TPE search: its settings after the startup ones are proposed as trials start.
    public var tpe: TPESpec?
    /// Stops trials that fall behind at a rung (ASHA); nil: every trial runs all its epochs.
    public var prune: PruneSpec?

    public init(specPath: String, seeds: [UInt64], grid: [(key: String, values: [String])], overrides: [String] = []) {
        self.specPath = specPath
        self.seeds = seeds
        self.grid = grid
        self.overrides = overrides
    }

    /// The keys its settings vary, grid or space.
    public var keys: [String] { searchTrials == nil ? grid.map(\.key) : space.map(\.key) }
}

/// One combination of grid values: what the trials of a study that differ only in seed share.
public struct Setting: Sendable, Hashable {
    public var values: [Assignment]

    /// One key of the grid and its value in this setting.
    public struct Assignment: Sendable, Hashable {
        public var key: String
        public var value: String
    }

    /// `train.batch_size=64 lr=1e-4`, or `(the spec)` for a study over seeds only.
    public var label: String {
        values.isEmpty ? "(the spec)" : values.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    /// The `--set` overrides that make this setting.
    public var overrides: [String] { values.map { "\($0.key)=\($0.value)" } }
}

/// One run of a study: a setting under one seed, in a result folder of its own.
public struct Trial: Sendable {
    /// 0, 1, …: the trial's place in the matrix (settings outermost, seeds innermost).
    public var index: Int
    public var setting: Setting
    public var seed: UInt64
    /// The folder name inside the study folder: `trial-000`.
    public var folderName: String { String(format: "trial-%03d", index) }
}

/// Every trial of a request, checked before anything runs.
public struct TrialMatrix: Sendable {
    public var request: StudyRequest
    public var settings: [Setting]
    public var trials: [Trial]
    /// The spec's name (the study folder goes under `results/<name>/`).
    public var name: String
    /// The most memory one trial needs by runexp's own estimate (parameters, optimizer state and
    /// a batch's layer outputs), over the settings: what a Slurm task asks for, with the data's
    /// and the process's share on top.
    public var estimatedBytes = 0
    /// The epochs each setting's spec trains: what a trial runs when nothing stops it.
    public var epochs: [Setting: Int] = [:]

    /// The trials of `request`, each checked as `runexp check` would check it; throws every
    /// trial's problems (with the trial named) when any trial is not a valid spec.
    public static func make(_ request: StudyRequest) throws -> TrialMatrix {
        var matrix = try layout(request)
        var name = ""
        var estimatedBytes = 0
        var problems: [String] = []
        // A spec is checked once per setting: the seed changes no rule a check applies.
        for setting in matrix.settings {
            switch SpecCheck.run(
                path: request.specPath, overrides: request.overrides + setting.overrides, seed: request.seeds[0])
            {
            case .success(let checked):
                name = checked.spec.name
                matrix.epochs[setting] = checked.spec.train.epochs
                let estimate = MemoryEstimate(
                    model: checked.model, batchSize: checked.spec.train.batchSize, phases: checked.spec.phases)
                estimatedBytes = max(estimatedBytes, estimate.totalBytes)
            case .failure(let found):
                let located = LocatedError(found, file: request.specPath).description
                problems.append(setting.values.isEmpty ? located : "the trials of \(setting.label):\n" + located)
            }
        }
        guard problems.isEmpty else { throw StudyError(problems.joined(separator: "\n")) }
        matrix.name = name
        matrix.estimatedBytes = estimatedBytes
        return matrix
    }

    /// Gives trial `index` the setting a TPE search proposed for it (a TPE search has one seed, so
    /// a trial is its setting). Its epochs are its setting's `train.epochs` when the search draws
    /// that key, else those of the setting it replaces: nothing else a search draws changes them.
    public mutating func assign(_ setting: Setting, to index: Int) {
        let drawn = setting.values.first { $0.key == SpecKeyPath.epochs }.flatMap { Int($0.value) }
        epochs[setting] = drawn ?? epochs[settings[index]]
        trials[index].setting = setting
        settings[index] = setting
    }

    /// The settings study.json recorded for the trials that started (nil: the trial's as laid out).
    public mutating func adopt(_ recorded: [Setting?]) {
        for (index, setting) in zip(trials.indices, recorded) {
            if let setting { assign(setting, to: index) }
        }
    }

    /// The settings and trials of `request` with no spec read (no name, no memory estimate):
    /// what `make` checks, and what a study.json's trial list must match. Throws for a request
    /// that repeats a seed, a grid key or a value.
    public static func layout(_ request: StudyRequest) throws -> TrialMatrix {
        try checkRepeats(request)
        var settings = [Setting(values: [])]
        if let count = request.searchTrials {
            settings = RandomSearch.settings(request.space, count: count, seed: request.seeds[0])
        }
        for entry in request.grid {
            settings = settings.flatMap { setting in
                entry.values.map { Setting(values: setting.values + [.init(key: entry.key, value: $0)]) }
            }
        }
        var trials: [Trial] = []
        for setting in settings {
            for seed in request.seeds {
                trials.append(Trial(index: trials.count, setting: setting, seed: seed))
            }
        }
        return TrialMatrix(request: request, settings: settings, trials: trials, name: "")
    }

    /// Refuses a request that names a thing twice: a grid key given twice would make settings
    /// with two values for one key, and a repeated seed or grid value would run the same trial
    /// twice and count its result as two samples. Only the first seed meets the spec's check, so
    /// each is held to the spec's range here.
    static func checkRepeats(_ request: StudyRequest) throws {
        guard !request.seeds.isEmpty else { throw StudyError("a study needs at least one seed") }
        if let seed = request.seeds.first(where: { $0 > UInt64(ExperimentSpec.seeds.upperBound) }) {
            throw StudyError(
                "seed \(seed) is too large: a seed is a whole number from 0 to \(ExperimentSpec.seeds.upperBound)")
        }
        if let seed = firstRepeat(request.seeds) {
            throw StudyError(
                "the study names seed \(seed) more than once; a repeated seed trains the same bits again "
                    + "and would count as a second sample: give each seed once")
        }
        if request.tpe != nil, request.seeds.count > 1 {
            throw StudyError(
                "a TPE search runs each setting once: give one seed (a setting's seeds would all ask for it)")
        }
        if request.searchTrials != nil, request.space.isEmpty {
            throw StudyError("a random search needs a space: the keys it draws and what from")
        }
        if let key = firstRepeat(request.space.map(\.key)) {
            throw StudyError("the search space gives '\(key)' twice; give each key once")
        }
        if let key = firstRepeat(request.grid.map(\.key)) {
            let given = request.grid.filter { $0.key == key }.map { "\(key)=\($0.values.joined(separator: ","))" }
            throw StudyError(
                "the grid gives '\(key)' twice (\(given.joined(separator: " and "))); give each key once "
                    + "with all its values, e.g. \(key)=\(request.grid.filter { $0.key == key }.flatMap(\.values).joined(separator: ","))"
            )
        }
        for entry in request.grid {
            if entry.values.isEmpty { throw StudyError("the grid gives no values for '\(entry.key)'") }
            if let value = firstRepeat(entry.values) {
                throw StudyError(
                    "the grid gives '\(entry.key)' the value \(value) more than once; a repeated value runs the "
                        + "same trials again and would count them as more samples: give each value once")
            }
        }
    }

    /// The first element that occurs again in `items`.
    static func firstRepeat<T: Hashable>(_ items: [T]) -> T? {
        var seen: Set<T> = []
        return items.first { !seen.insert($0).inserted }
    }

    /// `2 settings × 3 seeds`.
    public var shape: String {
        let plural = { (count: Int, word: String) in "\(count) \(word)\(count == 1 ? "" : "s")" }
        return plural(settings.count, "setting") + " × " + plural(request.seeds.count, "seed")
    }

    /// The matrix as YAML: what `study.yaml` holds.
    public var yaml: String {
        var lines = ["spec: \(request.specPath)", "seeds: [\(request.seeds.map(String.init).joined(separator: ", "))]"]
        if !request.overrides.isEmpty {
            lines.append("set: [\(request.overrides.map(Self.quoted).joined(separator: ", "))]")
        }
        if request.grid.isEmpty {
            lines.append("grid: {}")
        } else {
            lines.append("grid:")
            for entry in request.grid {
                lines.append("  \(entry.key): [\(entry.values.map(Self.quoted).joined(separator: ", "))]")
            }
        }
        if let count = request.searchTrials, let tpe = request.tpe {
            lines.append("search: {tpe: {trials: \(count), metric: \(tpe.metric), startup: \(tpe.startup)}}")
        } else if let count = request.searchTrials {
            lines.append("search: {random: {trials: \(count)}}")
            lines.append("space:")
            for entry in request.space {
                lines.append("  \(entry.key): \(Self.quoted(entry.distribution.description))")
            }
        }
        if let prune = request.prune {
            lines.append(
                "prune: {asha: {metric: \(prune.metric), min_epochs: \(prune.minEpochs), reduction: \(prune.reduction)}}"
            )
        }
        lines.append("trials: \(trials.count)   # \(shape)")
        return lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ text: String) -> String {
        text.allSatisfy { $0.isLetter || $0.isNumber || "._-+".contains($0) } ? text : "\"\(text)\""
    }
}

/// A study that cannot start or could not finish, said in one message.
public struct StudyError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
