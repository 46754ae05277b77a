import Foundation
import Testing

/// A study in TensorBoard's HParams tab: the experiment in the study folder, each trial's session
/// beside its run's own events, read back by the HParams plugin's own backend where TensorBoard is
/// installed (`~/.venv-torch`).
struct StudyHParamsRunTests {
    /// The HParams plugin's answers for the logdir given: the experiment (`get_experiment`) and its
    /// session groups (`list_session_groups`, the table of the HParams tab), as JSON.
    static let pluginView = """
        import json, sys
        try:
            from tensorboard import context
            from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
            from tensorboard.plugins import base_plugin
            from tensorboard.plugins.hparams import api_pb2, backend_context, get_experiment, list_session_groups
        except ImportError:
            sys.exit(3)
        logdir = sys.argv[1]
        multiplexer = plugin_event_multiplexer.EventMultiplexer()
        multiplexer.AddRunsFromDirectory(logdir)
        multiplexer.Reload()
        provider = data_provider.MultiplexerDataProvider(multiplexer, logdir)
        backend = backend_context.Context(
            base_plugin.TBContext(logdir=logdir, multiplexer=multiplexer, data_provider=provider))
        ctx = context.RequestContext()
        experiment = get_experiment.Handler(
            ctx, backend, "", api_pb2.GetExperimentRequest(include_metrics=True)).run()
        request = api_pb2.ListSessionGroupsRequest(
            start_index=0, slice_size=100, aggregation_type=api_pb2.AGGREGATION_AVG,
            allowed_statuses=[0, 1, 2, 3], include_metrics=True)
        groups = list_session_groups.Handler(ctx, backend, "", request).run()
        def value(v):
            return v.number_value if v.HasField("number_value") else v.string_value
        def domain(h):
            if h.HasField("domain_interval"):
                return {"interval": [h.domain_interval.min_value, h.domain_interval.max_value]}
            return {"discrete": [value(x) for x in h.domain_discrete.values]}
        print(json.dumps({
            "keys": {h.name: dict(domain(h), type=h.type) for h in experiment.hparam_infos},
            "metrics": [m.name.tag for m in experiment.metric_infos],
            "groups": [{
                "hparams": {k: value(v) for k, v in g.hparams.items()},
                "sessions": {s.name: s.status for s in g.sessions},
                "metrics": {m.name.tag: m.value for m in g.metric_values},
            } for g in groups.session_groups],
        }))
        """

    /// What the HParams plugin shows for `folder`; nil, with the reason printed, where TensorBoard
    /// is not installed.
    static func hparamsTab(_ folder: URL) throws -> [String: Any]? {
        let python = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".venv-torch/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            print("note: no \(python.path): the check by TensorBoard's HParams plugin skips")
            return nil
        }
        let check = Process()
        check.executableURL = python
        check.arguments = ["-c", pluginView, folder.path]
        let output = Pipe()
        let errors = Pipe()
        check.standardOutput = output
        check.standardError = errors
        try check.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        if check.terminationStatus == 3 {
            print("note: \(python.path) has no tensorboard (pip install tensorboard): the HParams plugin check skips")
            return nil
        }
        #expect(check.terminationStatus == 0, "\(complaint)")
        return try JSONSerialization.jsonObject(with: printed) as? [String: Any]
    }

    /// The tags of every event file in `folder`.
    static func tags(_ folder: URL) throws -> Set<String> {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("tfevents") }
        return try Set(files.flatMap { try TensorBoardRunTests.tags(folder.appendingPathComponent($0).path).keys })
    }

    @Test func aGridStudyShowsEachSettingAsAGroupOfItsSeedsWithTheirMeanMetrics() throws {
        let scratch = try Scratch()
        try scratch.write("tiny.yaml", SweepCommandTests.spec)
        let outcome = try RunexpBinary.run(
            [
                "sweep", "tiny.yaml", "--seeds", "0-1", "--grid", "phases.r.optimizer.adam.lr=0.01,0.001", "--set",
                "train.epochs=1", "--threads", "1", "--out", "study",
            ], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let study = scratch.url.appendingPathComponent("study")
        #expect(try Self.tags(study.appendingPathComponent("tensorboard")) == ["_hparams_/experiment"])
        for trial in 0..<4 {
            let tags = try Self.tags(study.appendingPathComponent("trial-00\(trial)/tensorboard"))
            #expect(tags.isSuperset(of: ["_hparams_/session_start_info", "_hparams_/session_end_info", "loss/r"]))
        }
        defer {
            // A trial run again afresh (`--force`, as a study reruns a failed trial) replaces a folder
            // holding the session: the session is runexp's own file.
            let again = try? RunexpBinary.run(
                ["tiny.yaml", "--set", "train.epochs=1", "--out", "study/trial-000", "--force"], in: scratch.url)
            #expect(again?.status == 0, "\(again?.stderr ?? "")")
        }
        guard let tab = try Self.hparamsTab(study) else { return }
        let keys = try #require(tab["keys"] as? [String: [String: Any]])
        // DATA_TYPE_FLOAT64 (3), the grid's values.
        #expect(keys["phases.r.optimizer.adam.lr"]?["type"] as? Int == 3)
        #expect(keys["phases.r.optimizer.adam.lr"]?["discrete"] as? [Double] == [0.01, 0.001])
        let metrics = try #require(tab["metrics"] as? [String])
        #expect(metrics.contains("final/train_mse") && metrics.contains("epoch/validation_mse"), "\(metrics)")
        let groups = try #require(tab["groups"] as? [[String: Any]])
        #expect(groups.count == 2)
        for group in groups {
            let lr = try #require((group["hparams"] as? [String: Double])?["phases.r.optimizer.adam.lr"])
            let first = lr == 0.01 ? 0 : 2
            // Both seeds, each complete (STATUS_SUCCESS, 1).
            #expect(
                group["sessions"] as? [String: Int] == [
                    "trial-00\(first)/tensorboard": 1, "trial-00\(first + 1)/tensorboard": 1,
                ])
            // Every metric the experiment lists has a value: the mean of the seeds' metrics.json.
            let values = try #require(group["metrics"] as? [String: Double])
            #expect(Set(values.keys) == Set(metrics), "\(values)")
            let seeds = try (first...(first + 1)).map { trial in
                let file = study.appendingPathComponent("trial-00\(trial)/metrics.json")
                let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
                return try #require(json?["train_mse"] as? Double)
            }
            // TensorBoard keeps scalars as 32-bit floats.
            #expect(abs(values["final/train_mse"]! - (seeds[0] + seeds[1]) / 2) < 1e-6)
        }
    }

    @Test func aRandomSearchGivesItsRangesAsIntervalsAndItsPrunedTrialsNoSuccess() throws {
        let scratch = try Scratch()
        try scratch.write("tiny.yaml", PrunedSearchTests.spec)
        let outcome = try RunexpBinary.run(
            [
                "sweep", "tiny.yaml", "--random", "4", "--space", "phases.r.optimizer.adam.lr=loguniform(1e-5,1e-1)",
                "--space", "train.batch_size=choice(25,50)", "--asha", "validation_mse,1,2", "--threads", "1",
                "--out", "study",
            ], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let study = scratch.url.appendingPathComponent("study")
        let record = try JSONSerialization.jsonObject(
            with: Data(contentsOf: study.appendingPathComponent("study.json")))
        let statuses = try #require(
            ((record as? [String: Any])?["trials"] as? [[String: Any]])?.map { $0["status"] as? String })
        guard let tab = try Self.hparamsTab(study) else { return }
        let keys = try #require(tab["keys"] as? [String: [String: Any]])
        #expect(keys["phases.r.optimizer.adam.lr"]?["interval"] as? [Double] == [1e-5, 1e-1])
        #expect(keys["train.batch_size"]?["discrete"] as? [Double] == [25, 50])
        #expect((tab["metrics"] as? [String])?.contains("epoch/validation_mse") == true)
        let groups = try #require(tab["groups"] as? [[String: Any]])
        var shown: [String: Int] = [:]
        for group in groups {
            for (session, status) in group["sessions"] as? [String: Int] ?? [:] { shown[session] = status }
            // A pruned trial stopped at its rung: its last validation_mse is there.
            #expect((group["metrics"] as? [String: Double])?["epoch/validation_mse"] != nil, "\(group)")
        }
        // Complete: STATUS_SUCCESS (1); pruned: STATUS_UNKNOWN (0).
        let expected = Dictionary(
            uniqueKeysWithValues: statuses.enumerated().map { index, status in
                (String(format: "trial-%03d/tensorboard", index), status == "complete" ? 1 : 0)
            })
        #expect(shown == expected, "\(statuses)")
        #expect(statuses.contains("pruned"), "\(statuses)")
    }
}
