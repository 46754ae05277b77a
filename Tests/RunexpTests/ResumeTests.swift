import Data
import Foundation
import Testing

/// Ctrl-C stops a run cleanly, and `--resume` finishes it with the same results, byte for byte, as a
/// run that was never interrupted.
struct ResumeTests {
    static let long = ["--set", "train.epochs=12"]

    /// A workspace with a whole 12-epoch run in `whole` and the same run stopped by Ctrl-C after its
    /// second epoch in `part`.
    func interruptedRun() throws -> URL {
        let folder = try RunCommandTests.workspace()
        let long = Self.long
        #expect(try RunexpBinary.run(["tiny.yaml", "--out", "whole"] + long, in: folder).status == 0)

        let process = Process()
        process.executableURL = RunexpBinary.executable
        process.arguments = ["tiny.yaml", "--out", "part"] + long
        process.currentDirectoryURL = folder
        process.standardError = FileHandle.nullDevice
        try process.run()
        let log = folder.appendingPathComponent("part/metrics.jsonl")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, process.isRunning {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if text.contains("\"epoch\":2,\"kind\":\"epoch\"") { break }
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "the run finished before it could be interrupted")
        let run =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: folder.appendingPathComponent("part/run.json"))) as? [String: Any]
        #expect(run?["status"] as? String == "interrupted")
        return folder
    }

    func expectSameResults(_ folder: URL) throws {
        for name in [
            "metrics.json", "metrics.jsonl", "images/reconstructions.png", "plots/curves.svg",
            "checkpoint/parameters.safetensors", "checkpoint/training.safetensors",
        ] {
            let whole = try Data(contentsOf: folder.appendingPathComponent("whole/\(name)"))
            let part = try Data(contentsOf: folder.appendingPathComponent("part/\(name)"))
            #expect(whole == part, "\(name) differs after resuming")
        }
    }

    @Test func anInterruptedRunResumesToTheSameResults() throws {
        let folder = try interruptedRun()
        let resumed = try RunexpBinary.run(["tiny.yaml", "--resume", "part"] + Self.long, in: folder)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming after epoch"))
        try expectSameResults(folder)
    }

    @Test func resumeRepeatsTheRunsOwnSpecAndOptionsFromAnyFolder() throws {
        let folder = try interruptedRun()
        let elsewhere = try Scratch()
        let part = folder.appendingPathComponent("part").path
        let resumed = try RunexpBinary.run(["resume", part], in: elsewhere.url)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming after epoch"))
        try expectSameResults(folder)
        #expect(elsewhere.listing().isEmpty, "resume wrote into the folder it was started from")
    }

    @Test func aSeedGivenTwiceIsRefusedRatherThanOneDropped() throws {
        let folder = try RunCommandTests.workspace()
        let outcome = try RunexpBinary.run(["check", "tiny.yaml", "--seed", "0", "--seed", "1"], in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--seed is given 2 times (0, 1); give one"))
        let negative = try RunexpBinary.run(["check", "tiny.yaml", "--seed", "-1"], in: folder)
        #expect(negative.status == 2)
        #expect(
            negative.stderr.hasPrefix("error: --seed must be a whole number from 0 to 18446744073709551615; found '-1'")
        )
    }

    /// A one-epoch run whose `checkpoint/training.safetensors` entry `key` is replaced by `words`;
    /// returns what resuming it printed and its exit status.
    func resumeTampered(_ key: String, _ words: [UInt64]) throws -> RunexpBinary.Outcome {
        let folder = try RunCommandTests.workspace()
        #expect(try RunexpBinary.run(["tiny.yaml", "--out", "run", "--set", "train.epochs=2"], in: folder).status == 0)
        let path = folder.appendingPathComponent("run/checkpoint/training.safetensors").path
        let contents = try SafeTensors.read(path: path)
        let tensors = try contents.tensors.map { named in
            named.name == key ? NamedArray(key, try NumericArray(shape: [words.count], elements: words)) : named
        }
        #expect(tensors.map(\.name).contains(key))
        try Foundation.Data(SafeTensors.encode(tensors, metadata: contents.metadata)).write(
            to: URL(fileURLWithPath: path))
        return try RunexpBinary.run(
            ["tiny.yaml", "--resume", "run", "--set", "train.epochs=2"], in: folder, timeout: 60)
    }

    @Test func aCheckpointWhoseProgressDoesNotFitTheSpecIsRefused() throws {
        for progress: [UInt64] in [[1000, 1_000_000_000_000], [1, UInt64.max], [2, 3]] {
            let outcome = try resumeTampered("progress", progress)
            #expect(outcome.status == 2, "\(progress): \(outcome.stderr)")
            #expect(outcome.stderr.contains("error: the checkpoint's progress record does not fit this spec"))
        }
    }

    @Test func aCheckpointWithAZeroedRandomStreamIsRefusedRatherThanRunForever() throws {
        let outcome = try resumeTampered("stream/shuffle", [0, 0, 0, 0])
        #expect(!outcome.timedOut)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("error: checkpoint's random stream 'stream/shuffle' is not a stream's state"))
    }

    @Test func aCheckpointWithAnImpossibleOptimizerStepIsRefusedWithoutATrap() throws {
        let outcome = try resumeTampered("optimizer/reconstruction/step", [UInt64.max])
        #expect(!outcome.signaled)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("error: checkpoint's 'optimizer/reconstruction/step' is not a step count"))
    }

    @Test func resumeRefusesAFolderMadeFromAnotherSpec() throws {
        let folder = try RunCommandTests.workspace()
        #expect(try RunexpBinary.run(["tiny.yaml", "--out", "run", "--set", "train.epochs=1"], in: folder).status == 0)
        let outcome = try RunexpBinary.run(["tiny.yaml", "--resume", "run", "--set", "train.epochs=2"], in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("was made from a different spec: train.epochs is 1 there and 2 here;"))
        #expect(outcome.stderr.contains("`runexp resume "))
    }
}
