import Data
import Foundation
import Kernels
import Testing

/// Faults during a run, through the binary on a tiny run: SIGINT and SIGTERM at seeded random
/// moments (in training and in the output stage after it), a second signal while shutting down, a
/// full disk at every stage, and an output folder that cannot be made. Each leaves a folder that
/// says what happened, holds only whole files, and resumes to the results of an uninterrupted run.
struct FaultTests {
    static let spec = """
        name: faults
        data: {source: {npy: d.npy, labels: l.npy}, shape: [784]}
        networks:
          encoder: {layers: [dense: 16, relu, dense: 4]}
          decoder: {layers: [dense: 16, relu, dense: 784, sigmoid]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
        train: {epochs: 6, batch_size: 30, log_every: 3}
        outputs: [curves, reconstructions: {split: validation, count: 6}, tsne: {points: 150, perplexity: 10}]
        """

    static let compared =
        Scratch.comparedFiles + [
            "plots/tsne.svg", "arrays/tsne.npy", "arrays/codes_train.npy", "arrays/codes_validation.npy",
        ]

    /// A scratch folder with the data, the spec and an uninterrupted run in `whole/`.
    static func workspace() throws -> Scratch {
        let scratch = try Scratch()
        try scratch.writeImages(count: 300)
        try scratch.write("faults.yaml", spec + "\n")
        let whole = try RunexpBinary.run(["faults.yaml", "--out", "whole"], in: scratch.url)
        #expect(whole.status == 0, "\(whole.stderr)")
        return scratch
    }

    static func status(_ folder: URL) -> String? {
        let data = try? Data(contentsOf: folder.appendingPathComponent("run.json"))
        let run = data.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return run?["status"] as? String
    }

    /// What a test waits for before it signals a run.
    enum Moment {
        /// The metrics log holds this text.
        case logged(String)
        /// This file of the result folder exists.
        case written(String)
    }

    /// Starts a run into `out` (with `overrides`), waits for the moment, then sends each signal
    /// after its delay (microseconds); returns the exit status and whether a signal ended it.
    static func interrupt(
        _ scratch: Scratch, out: String, at moment: Moment, overrides: [String] = [],
        signals: [(Int32, useconds_t)]
    ) throws -> (status: Int32, signaled: Bool) {
        let process = Process()
        process.executableURL = RunexpBinary.executable
        process.arguments = ["faults.yaml", "--out", out] + overrides.flatMap { ["--set", $0] }
        process.currentDirectoryURL = scratch.url
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let log = scratch.url.appendingPathComponent("\(out)/metrics.jsonl")
        let deadline = Date().addingTimeInterval(300)
        waiting: while Date() < deadline, process.isRunning {
            switch moment {
            case .logged(let marker):
                if ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains(marker) { break waiting }
            case .written(let file):
                let url = scratch.url.appendingPathComponent("\(out)/\(file)")
                if FileManager.default.fileExists(atPath: url.path) { break waiting }
            }
            usleep(2_000)
        }
        for (signal, delay) in signals {
            usleep(delay)
            kill(process.processIdentifier, signal)
        }
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    static func epochMarker(_ epoch: Int) -> String { "\"epoch\":\(epoch),\"kind\":\"epoch\"" }

    @Test func aHangupStopsTheRunLikeCtrlCAndItsStatusSaysSo() throws {
        let scratch = try Self.workspace()
        let (status, signaled) = try Self.interrupt(
            scratch, out: "hup", at: .logged(Self.epochMarker(2)), signals: [(SIGHUP, 0)])
        let folder = scratch.url.appendingPathComponent("hup")
        #expect(!signaled && status == 130, "status \(status)")
        #expect(Self.status(folder) == "interrupted")
        Scratch.expectEveryFileIsWhole(folder)
    }

    @Test func signalsAtSeededMomentsLeaveAnInterruptedRunThatResumesToTheSameResults() throws {
        let scratch = try Self.workspace()
        var random = RandomStream(seed: 11, name: "fault moments")
        // Four moments in training (after a random epoch, a random delay later) and one in the
        // output stage (just after the last epoch, while the checkpoint, the codes and t-SNE are written).
        var moments: [(marker: String, delay: useconds_t)] = (0..<4).map { _ in
            (Self.epochMarker(1 + random.nextInt(below: 4)), useconds_t(random.nextInt(below: 300_000)))
        }
        moments.append((Self.epochMarker(6), useconds_t(random.nextInt(below: 50_000))))
        for (index, moment) in moments.enumerated() {
            let signal = index % 2 == 0 ? SIGINT : SIGTERM
            let out = "part\(index)"
            let (status, signaled) = try Self.interrupt(
                scratch, out: out, at: .logged(moment.marker), signals: [(signal, moment.delay)])
            let folder = scratch.url.appendingPathComponent(out)
            #expect(!signaled && status == 130, "\(out): status \(status); the run ended before the signal?")
            #expect(Self.status(folder) == "interrupted", "\(out) after \(moment.marker) + \(moment.delay) µs")
            Scratch.expectEveryFileIsWhole(folder)
            let resumed = try RunexpBinary.run(["faults.yaml", "--resume", out], in: scratch.url)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            if index == 4 {
                // Stopped in the output stage: training was whole, only the outputs are made again.
                #expect(resumed.stderr.contains("resuming after epoch 6"), "\(resumed.stderr)")
            }
            #expect(Self.status(folder) == "complete")
            Scratch.expectSameResults(scratch.url.appendingPathComponent("whole"), folder, files: Self.compared)
        }
    }

    @Test func aSignalDuringTheTSNEMapStopsTheMapThereAndResumeDrawsIt() throws {
        let scratch = try Scratch()
        try scratch.writeImages(count: 1000)
        try scratch.write("faults.yaml", Self.spec + "\n")
        // The codes are written just before the map starts (their metrics take milliseconds); a map
        // of 1,000 points runs for several seconds, so half a second later the map is under way.
        let overrides = ["train.epochs=1", "outputs=[tsne: {points: 1000, perplexity: 30}]"]
        let (status, signaled) = try Self.interrupt(
            scratch, out: "map", at: .written("arrays/codes_validation.npy"), overrides: overrides,
            signals: [(SIGINT, 500_000)])
        #expect(!signaled && status == 130, "status \(status)")
        let folder = scratch.url.appendingPathComponent("map")
        #expect(Self.status(folder) == "interrupted")
        // Stopped inside the map, not after it: nothing of the map was written.
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("arrays/tsne.npy").path))
        Scratch.expectEveryFileIsWhole(folder)
        let resumed = try RunexpBinary.run(
            ["faults.yaml", "--resume", "map"] + overrides.flatMap { ["--set", $0] }, in: scratch.url)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("plots/tsne.png").path))
    }

    @Test func aSecondSignalWhileShuttingDownLeavesOnlyWholeFilesAnInterruptedStatusAndStillResumes() throws {
        let scratch = try Self.workspace()
        var random = RandomStream(seed: 12, name: "second signals")
        for trial in 0..<4 {
            let out = "twice\(trial)"
            let first = useconds_t(random.nextInt(below: 200_000))
            let second = useconds_t(random.nextInt(below: 3_000))
            let (status, signaled) = try Self.interrupt(
                scratch, out: out, at: .logged(Self.epochMarker(1 + trial)),
                signals: [(SIGINT, first), (SIGINT, second)])
            #expect(!signaled && status == 130, "\(out): status \(status)")
            let folder = scratch.url.appendingPathComponent(out)
            // Killed at once, it may leave a temporary file, never a partial one under its real name.
            Scratch.expectEveryFileIsWhole(folder, allowTemporary: true)
            // The second signal writes the record kept for it (it used to leave `running`).
            #expect(Self.status(folder) == "interrupted", "\(out)")
            let resumed = try RunexpBinary.run(["faults.yaml", "--resume", out], in: scratch.url)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            Scratch.expectSameResults(scratch.url.appendingPathComponent("whole"), folder, files: Self.compared)
        }
    }

    /// Under `ulimit -v 300000` OpenBLAS's buffers do not fit: the run used to hang for ever in
    /// OpenBLAS's allocation retry loop, deaf to SIGTERM, with status `running`.
    @Test func aRunUnderAnAddressSpaceLimitEndsWithOutOfMemoryInsteadOfHanging() throws {
        let scratch = try Self.workspace()
        let outcome = try RunexpBinary.run(
            ["-c", "ulimit -v 300000; exec \"$0\" faults.yaml --out limited", RunexpBinary.executable.path],
            in: scratch.url, timeout: 120, executable: URL(fileURLWithPath: "/bin/bash"))
        #expect(!outcome.timedOut, "hung")
        #expect(!outcome.signaled && outcome.status == 2, "status \(outcome.status): \(outcome.stderr.suffix(300))")
        #expect(outcome.stderr.contains("error: out of memory: the run needs at least"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("limited")))
    }

    @Test func resumeRefusesCheckpointFilesFromTwoDifferentEpochs() throws {
        let scratch = try Self.workspace()
        let (status, _) = try Self.interrupt(
            scratch, out: "mixed", at: .logged(Self.epochMarker(2)), signals: [(SIGINT, 0)])
        #expect(status == 130)
        // The parameters of the finished run (epoch 6) beside the training state of an earlier epoch.
        let parameters = "checkpoint/parameters.safetensors"
        let target = scratch.url.appendingPathComponent("mixed/\(parameters)")
        try FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: scratch.url.appendingPathComponent("whole/\(parameters)"), to: target)
        let resumed = try RunexpBinary.run(["faults.yaml", "--resume", "mixed"], in: scratch.url)
        #expect(resumed.status == 2)
        #expect(
            resumed.stderr.contains(
                "is inconsistent: \(parameters) and checkpoint/training.safetensors come from different epochs"))
    }

    /// `ulimit -f` (in 512-byte blocks): every write past it fails with EFBIG, as on a full disk.
    static func runWithFileSizeLimit(_ blocks: Int, _ scratch: Scratch, out: String) throws -> RunexpBinary.Outcome {
        let command = "ulimit -f \(blocks); exec '\(RunexpBinary.executable.path)' faults.yaml --out \(out)"
        return try RunexpBinary.run(["-c", command], in: scratch.url, executable: URL(fileURLWithPath: "/bin/sh"))
    }

    @Test func aFullDiskAtAnyStageFailsTheRunWithAClearMessageAndNoPartFile() throws {
        let scratch = try Self.workspace()
        // From the first file on to the checkpoints, the report and beyond everything the run writes.
        for blocks in [1, 3, 8, 40, 150, 400, 100_000] {
            let out = "limit\(blocks)"
            let outcome = try Self.runWithFileSizeLimit(blocks, scratch, out: out)
            let folder = scratch.url.appendingPathComponent(out)
            #expect(!outcome.signaled, "limit \(blocks): ended by a signal (SIGXFSZ not ignored?)")
            Scratch.expectEveryFileIsWhole(folder)
            if blocks == 100_000 {
                #expect(outcome.status == 0, "\(outcome.stderr)")
                continue
            }
            #expect(outcome.status == 1, "limit \(blocks): status \(outcome.status)")
            #expect(outcome.stderr.contains("error: cannot write \(folder.path)/"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("(File too large)"))
            // run.json says so whenever it could be written at all (512 bytes is less than it needs).
            if let status = Self.status(folder) {
                #expect(status.hasPrefix("failed: cannot write "), "limit \(blocks): \(status)")
            } else {
                #expect(
                    blocks == 1
                        && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("run.json").path))
            }
        }
    }

    @Test func aRunThatFailedOnAFullDiskResumesToTheSameResultsOnceThereIsRoom() throws {
        let scratch = try Self.workspace()
        // 200 kB: the first checkpoint's parameters fit, its training state does not.
        let outcome = try Self.runWithFileSizeLimit(400, scratch, out: "full")
        #expect(outcome.status == 1)
        let resumed = try RunexpBinary.run(["faults.yaml", "--resume", "full"], in: scratch.url)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        Scratch.expectSameResults(
            scratch.url.appendingPathComponent("whole"), scratch.url.appendingPathComponent("full"),
            files: Self.compared)
    }

    @Test(arguments: ["afile/run", "afile/deeper/run", "/proc/runexp-robustness-test/run"])
    func anOutputFolderThatCannotBeMadeIsBadInputNamingThePath(_ out: String) throws {
        let scratch = try Scratch()
        try scratch.writeImages(count: 40)
        try scratch.write("faults.yaml", Self.spec + "\n")
        try scratch.write("afile", "not a folder\n")
        let before = scratch.listing()
        let outcome = try RunexpBinary.run(["faults.yaml", "--out", out], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(!outcome.signaled)
        let parent = out.hasPrefix("/") ? "/proc/runexp-robustness-test" : scratch.path("afile")
        #expect(outcome.stderr.contains(parent), "\(outcome.stderr)")
        #expect(scratch.listing() == before)
    }
}
