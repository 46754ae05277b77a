import Foundation
import RunFolder
import Spec

/// How a trial stands.
public enum TrialStatus: String, Sendable {
    case pending, running, complete, failed, interrupted
    /// Stopped at a rung by the study's pruning rule: it has ended, and `--resume` leaves it.
    case pruned

    /// Whether the trial has nothing left to run.
    public var hasEnded: Bool { self == .complete || self == .pruned }
}

/// What `study.json` holds: the request (so `--resume` can repeat it) and each trial's status,
/// rewritten whole after every change.
public struct StudyRecord: Sendable {
    public var matrix: TrialMatrix
    /// The engine that runs the trials (`local`, `slurm`).
    public var engine: String
    public var statuses: [TrialStatus]
    /// A trial's exit code and seconds, once it ended.
    public var exitCodes: [Int32?]
    public var seconds: [Double?]
    /// The engine's id of each trial's job (a Slurm job id), when it has one.
    public var jobIDs: [String?]

    public init(matrix: TrialMatrix, engine: String) {
        self.matrix = matrix
        self.engine = engine
        let count = matrix.trials.count
        statuses = Array(repeating: .pending, count: count)
        exitCodes = Array(repeating: nil, count: count)
        seconds = Array(repeating: nil, count: count)
        jobIDs = Array(repeating: nil, count: count)
    }

    /// A started TPE trial's setting as study.json records it: proposed when the trial started, it
    /// is what the trial ran. Nil for a trial not started and for other searches, whose settings
    /// the request makes again.
    static func recordedSetting(_ trial: JSON, _ request: StudyRequest) -> Setting? {
        guard request.tpe != nil, case .object(let t) = trial, case .object(let values)? = t["setting"],
            case .string(let status)? = t["status"], TrialStatus(rawValue: status) != .pending
        else { return nil }
        let assignments = request.space.compactMap { entry -> Setting.Assignment? in
            guard case .string(let value)? = values[entry.key] else { return nil }
            return Setting.Assignment(key: entry.key, value: value)
        }
        return assignments.count == request.space.count ? Setting(values: assignments) : nil
    }

    public var json: JSON {
        let request = matrix.request
        let trials = matrix.trials.map { trial -> JSON in
            var members: [String: JSON] = [
                "index": .integer(trial.index), "folder": .string(trial.folderName), "seed": .integer(Int(trial.seed)),
                "setting": .object(
                    Dictionary(uniqueKeysWithValues: trial.setting.values.map { ($0.key, .string($0.value)) })),
                "status": .string(statuses[trial.index].rawValue),
            ]
            if let code = exitCodes[trial.index] { members["exit_code"] = .integer(Int(code)) }
            if let seconds = seconds[trial.index] { members["seconds"] = .number((seconds * 1000).rounded() / 1000) }
            if let job = jobIDs[trial.index] { members["job_id"] = .string(job) }
            return .object(members)
        }
        var members: [String: JSON] = [
            "spec": .string(request.specPath),
            "name": .string(matrix.name),
            "engine": .string(engine),
            "seeds": .array(request.seeds.map { .integer(Int($0)) }),
            "grid": .array(
                request.grid.map { .object(["key": .string($0.key), "values": .array($0.values.map(JSON.string))]) }),
            "set": .array(request.overrides.map(JSON.string)),
            "trials": .array(trials),
        ]
        if let count = request.searchTrials {
            var method: [String: JSON] = ["trials": .integer(count)]
            if let tpe = request.tpe {
                method["metric"] = .string(tpe.metric)
                method["startup"] = .integer(tpe.startup)
            }
            members["search"] = .object([
                request.tpe == nil ? "random" : "tpe": .object(method),
                "space": .array(
                    request.space.map {
                        .object(["key": .string($0.key), "distribution": .string($0.distribution.description)])
                    }),
            ])
        }
        if let prune = request.prune {
            members["prune"] = .object([
                "asha": .object([
                    "metric": .string(prune.metric), "min_epochs": .integer(prune.minEpochs),
                    "reduction": .integer(prune.reduction),
                ])
            ])
        }
        return .object(members)
    }

    /// The random search and pruning rule a `study.json` records, into `request`.
    static func readSearch(_ members: [String: JSON], into request: inout StudyRequest, folder: String) throws {
        if case .object(let search)? = members["search"] {
            guard case .object(let method)? = search["random"] ?? search["tpe"],
                case .integer(let count)? = method["trials"],
                case .array(let space)? = search["space"]
            else { throw StudyError("\(folder): study.json's search is not one runexp wrote") }
            request.searchTrials = count
            if search["tpe"] != nil {
                guard case .string(let metric)? = method["metric"], case .integer(let startup)? = method["startup"],
                    Metric.named(metric) != nil, startup >= 1
                else { throw StudyError("\(folder): study.json's TPE search is not one runexp wrote") }
                request.tpe = TPESpec(metric: metric, startup: startup)
            }
            request.space = try space.map { entry in
                guard case .object(let e) = entry, case .string(let key)? = e["key"],
                    case .string(let text)? = e["distribution"],
                    case .success(let distribution) = SearchDistribution.parse(text)
                else { throw StudyError("\(folder): study.json's search space is not one runexp wrote") }
                return (key, distribution)
            }
        }
        if case .object(let prune)? = members["prune"] {
            guard case .object(let asha)? = prune["asha"], case .string(let metric)? = asha["metric"],
                case .integer(let minEpochs)? = asha["min_epochs"], case .integer(let reduction)? = asha["reduction"],
                case .success(let rule) = PruneSpec.parse("\(metric),\(minEpochs),\(reduction)")
            else { throw StudyError("\(folder): study.json's pruning rule is not one runexp wrote") }
            request.prune = rule
        }
    }

    /// What a `study.json` holds that `--resume` uses: the request, the engine, and each trial's
    /// status and job id, one per trial the request makes.
    public typealias Saved = (
        request: StudyRequest, engine: String, statuses: [TrialStatus], jobIDs: [String?], settings: [Setting?]
    )

    /// The request and statuses of a `study.json`; the matrix is made (and checked) again.
    public static func read(_ folder: String) throws -> Saved {
        let path = URL(fileURLWithPath: folder).appendingPathComponent("study.json").path
        return try read(FileManager.default.contents(atPath: path), folder: folder)
    }

    /// The request and statuses of the `study.json` bytes of the study in `folder` (nil: no file);
    /// throws when the file lists another number of trials than its request makes.
    public static func read(_ bytes: Data?, folder: String) throws -> Saved {
        guard let bytes, let text = String(data: bytes, encoding: .utf8), let json = JSONReader.parse(text),
            case .object(let members) = json, case .string(let spec)? = members["spec"],
            case .array(let seeds)? = members["seeds"], case .array(let grid)? = members["grid"],
            case .array(let trials)? = members["trials"]
        else { throw StudyError("\(folder) holds no study runexp wrote (no readable study.json)") }
        let seedValues = try seeds.map { seed -> UInt64 in
            guard case .integer(let value) = seed, ExperimentSpec.seeds.contains(value) else {
                throw StudyError(
                    "\(folder): study.json's seeds must be whole numbers from 0 to \(ExperimentSpec.seeds.upperBound); "
                        + "found \(seed.compact)")
            }
            return UInt64(value)
        }
        var request = StudyRequest(
            specPath: spec, seeds: seedValues,
            grid: grid.compactMap { entry in
                guard case .object(let e) = entry, case .string(let key)? = e["key"],
                    case .array(let values)? = e["values"]
                else { return nil }
                return (key, values.compactMap { if case .string(let v) = $0 { v } else { nil } })
            },
            overrides: {
                if case .array(let items)? = members["set"] {
                    return items.compactMap { if case .string(let v) = $0 { v } else { nil } }
                }
                return []
            }())
        try readSearch(members, into: &request, folder: folder)
        let statuses = trials.map { trial -> TrialStatus in
            guard case .object(let t) = trial, case .string(let status)? = t["status"] else { return .pending }
            return TrialStatus(rawValue: status) ?? .pending
        }
        let jobIDs = trials.map { trial -> String? in
            guard case .object(let t) = trial, case .string(let job)? = t["job_id"] else { return nil }
            return job
        }
        let made: Int
        do {
            made = try TrialMatrix.layout(request).trials.count
        } catch let error as StudyError {
            throw StudyError("\(folder): study.json: \(error)")
        }
        guard made == statuses.count else {
            throw StudyError("\(folder): study.json lists \(statuses.count) trials, but its request makes \(made)")
        }
        var engine = "local"
        if case .string(let name)? = members["engine"] { engine = name }
        return (request, engine, statuses, jobIDs, trials.map { recordedSetting($0, request) })
    }
}
