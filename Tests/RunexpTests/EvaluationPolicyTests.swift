import Foundation
import Testing

@testable import Runner

/// `train.evaluate` and `train.checkpoint_every` as a user meets them: a run measures what the spec
/// asks for when it asks, `check` says so with its cost, and fewer checkpoints change no result.
struct EvaluationPolicyTests {
    /// A tiny autoencoder on the assignment's 60 sample digits: 48 to train, 12 held out.
    static func spec(_ train: String = "") -> String {
        tinySpec(train: "epochs: 6, batch_size: 8" + train)
    }

    /// The tiny autoencoder on the assignment's 60 sample digits that several suites train:
    /// `data` ends the data mapping, `prior` and `outputs` are whole lines (or nothing), `loss` is
    /// the one phase's loss and `train` the inside of the train mapping.
    static func tinySpec(
        data: String = ", validation: 0.2", prior: String = "", loss: String = "mse(decoder(encoder(x)), x)",
        train: String, outputs: String = ""
    ) -> String {
        let sample = DataCommandTests.shared.appendingPathComponent("homework/data_sample.npy").path
        return """
            name: tiny
            seed: 1
            data: {source: {npy: \(sample)}, shape: [784]\(data)}
            \(prior)networks:
              encoder:
                layers: [dense: 16, relu, dense: 4]
              decoder:
                layers: [dense: 16, relu, dense: 784, sigmoid]
            phases:
              - name: r
                loss: \(loss)
                update: [encoder, decoder]
                optimizer: {adam: {lr: 0.01}}
            train: {\(train)}
            \(outputs)
            """
    }

    /// The run's metrics.jsonl records of `kind` (epoch or final), in order.
    func records(_ kind: String, in folder: URL) throws -> [[String: Any]] {
        try String(contentsOf: folder.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n").compactMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }.filter { $0["kind"] as? String == kind }
    }

    func run(_ train: String, in scratch: Scratch, _ out: String) throws -> URL {
        try scratch.write("\(out).yaml", Self.spec(train))
        let outcome = try RunexpBinary.run(["\(out).yaml", "--out", out], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return scratch.url.appendingPathComponent(out)
    }

    @Test func byDefaultEachEpochMeasuresTheHeldOutSplitAndTheTrainingSplitIsMeasuredOnceAtTheEnd() throws {
        let scratch = try Scratch()
        let folder = try run("", in: scratch, "a")
        let epochs = try records("epoch", in: folder)
        #expect(epochs.count == 6)
        #expect(epochs.allSatisfy { $0["validation_mse"] is Double && $0["train_mse"] == nil })
        let final = try #require(try records("final", in: folder).first)
        #expect(final["epoch"] as? Int == 6)
        let metrics = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("metrics.json")))
                as? [String: Any])
        #expect(metrics["train_mse"] as? Double == final["train_mse"] as? Double)
        #expect(metrics["validation_mse"] as? Double == epochs.last?["validation_mse"] as? Double)
    }

    @Test func theTrainingSplitMeasuredAtTheEndEqualsItsMeasureAfterTheLastEpoch() throws {
        let scratch = try Scratch()
        let atEnd = try run("", in: scratch, "a")
        let everyEpoch = try run(", evaluate: {splits: [train, validation]}", in: scratch, "b")
        let final = try #require(try records("final", in: atEnd).first?["train_mse"] as? Double)
        #expect(final == (try records("epoch", in: everyEpoch).last?["train_mse"] as? Double))
        #expect(try records("final", in: everyEpoch).isEmpty)
    }

    @Test func anEvaluationEveryFewEpochsMeasuresThoseEpochsAndTheLast() throws {
        let scratch = try Scratch()
        let folder = try run(", evaluate: {every: 4, final: []}", in: scratch, "a")
        let measured = try records("epoch", in: folder).filter { $0["validation_mse"] != nil }.map {
            $0["epoch"] as? Int
        }
        #expect(measured == [4, 6])
        #expect(try records("final", in: folder).isEmpty)
    }

    @Test func aSplitTheDataDoesNotHaveIsNotedWhereItIsNamedAndNotMeasured() throws {
        let scratch = try Scratch()
        try scratch.write("a.yaml", Self.spec(", evaluate: {splits: [validation, test]}"))
        let check = try RunexpBinary.run(["check", "a.yaml"], in: scratch.url)
        let note =
            "a.yaml:14:67: train.evaluate.splits names the test split, which the data does not have "
            + "(it has train, validation): not measured"
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("note: " + note), "\(check.stdout)")
        let run = try RunexpBinary.run(["a.yaml", "--out", "a"], in: scratch.url)
        #expect(run.status == 0 && run.stderr.contains(note), "\(run.stderr)")
        #expect(try records("epoch", in: scratch.url.appendingPathComponent("a")).allSatisfy { $0["test_mse"] == nil })
    }

    @Test func earlyStoppingOnAFigureMeasuredOnlyAtTheEndIsRefusedSayingHowToMeasureIt() throws {
        let scratch = try Scratch()
        try scratch.write("a.yaml", Self.spec(", early_stop: {metric: train_mse}"))
        let outcome = try RunexpBinary.run(["check", "a.yaml"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("add train to train.evaluate.splits"), "\(outcome.stderr)")
    }

    @Test func checkSaysWhatIsMeasuredWhenAndItsShareOfTraining() throws {
        let scratch = try Scratch()
        try scratch.write("a.yaml", Self.spec(", evaluate: {every: 2}"))
        let outcome = try RunexpBinary.run(["check", "a.yaml"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // 12 images at each of 3 evaluations and 48 once after training: 84 forward passes of
        // 52,068 FLOPs (the two networks' layers), against 6 epochs of 48 training images at
        // 130,284 FLOPs a step (forward, and backward but for the input's gradient): 4.37M / 37.5M.
        #expect(
            outcome.stdout.contains(
                "evaluation: MSE of validation (12 images) after every 2 epochs and the last; train (48 images) once "
                    + "after training\n  about 84 forward passes over 6 epochs (one per image), ≈12% of the training "
                    + "steps' arithmetic (counted from the layers' FLOPs, not timed)"),
            "\(outcome.stdout)")
    }

    @Test func anInterruptedRunResumesFromItsLastCheckpointToTheSameResults() throws {
        let scratch = try Scratch()
        // 24 steps an epoch: Ctrl-C after epoch 6 lands well before the checkpoint of epoch 10.
        let long = Self.spec(", checkpoint_every: 5").replacingOccurrences(
            of: "epochs: 6, batch_size: 8", with: "epochs: 20, batch_size: 2")
        try scratch.write("a.yaml", long)
        let whole = try RunexpBinary.run(["a.yaml", "--out", "whole"], in: scratch.url)
        #expect(whole.status == 0, "\(whole.stderr)")
        let process = Process()
        process.executableURL = RunexpBinary.executable
        process.arguments = ["a.yaml", "--out", "part"]
        process.currentDirectoryURL = scratch.url
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let log = scratch.url.appendingPathComponent("part/metrics.jsonl")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, process.isRunning {
            if ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("\"epoch\":6,\"kind\":\"epoch\"") {
                break
            }
            usleep(5_000)
        }
        kill(process.processIdentifier, SIGINT)
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 130, "the run finished before it could be interrupted")
        #expect(said.contains("--resume continues after epoch 5, the last checkpoint"), "\(said)")
        let resumed = try RunexpBinary.run(["a.yaml", "--resume", "part"], in: scratch.url)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming after epoch 5"), "\(resumed.stderr)")
        for name in ["metrics.json", "metrics.jsonl", "checkpoint/parameters.safetensors"] {
            #expect(
                try Data(contentsOf: scratch.url.appendingPathComponent("whole/\(name)"))
                    == Data(contentsOf: scratch.url.appendingPathComponent("part/\(name)")), "\(name) differs")
        }
    }

    @Test func automaticCheckpointsWriteAfterTheFirstEpochThenWaitFiftyTimesWhatAWriteTook() throws {
        var schedule = WriteSchedule(.auto)
        #expect(schedule.isDue(afterEpoch: 1, last: false))
        schedule.write(epoch: 1) { usleep(2_000) }
        #expect(!schedule.isDue(afterEpoch: 2, last: false))
        #expect(schedule.isDue(afterEpoch: 2, last: true))
        // At least 2 ms written; after 1 s, writes of up to 20 ms are due again.
        usleep(1_000_000)
        #expect(schedule.isDue(afterEpoch: 3, last: false))
        #expect(schedule.epoch == 1)
    }

    @Test func checkpointsEveryNEpochsAreDueAtItsMultiplesAndTheLast() {
        let schedule = WriteSchedule(.epochs(3))
        let due = (1...7).filter { schedule.isDue(afterEpoch: $0, last: $0 == 7) }
        #expect(due == [3, 6, 7])
    }
}
