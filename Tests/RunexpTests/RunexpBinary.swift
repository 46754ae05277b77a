import Foundation
import Testing

/// Runs the built `runexp` executable the way a user does, and captures what it prints.
struct RunexpBinary {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        /// True when the process was ended by a signal (a crash, or the timeout's kill).
        var signaled = false
        /// True when the process outlived the timeout and was killed.
        var timedOut = false
    }

    /// The package's root folder, found from this file's place in `Tests/RunexpTests/`.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The executable built beside the test bundle (`.build/<config>/runexp`).
    static var executable: URL {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent(), Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for case let folder? in candidates {
            let url = folder.appendingPathComponent("runexp")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/runexp")
    }

    /// Runs `runexp arguments…` in `directory` (the package root by default) and waits for it; a
    /// run that outlives `timeout` seconds is killed and reported as `timedOut`.
    static func run(
        _ arguments: [String], in directory: URL = packageRoot, timeout: Double = 600, executable: URL? = nil,
        environment: [String: String?] = [:]
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = executable ?? Self.executable
        process.arguments = arguments
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (key, value) in environment { merged[key] = value }
            process.environment = merged
        }
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        // Read both pipes before waiting, so a long report cannot fill a pipe and stall the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        let signaled = process.terminationReason == .uncaughtSignal
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self), signaled: signaled,
            timedOut: signaled && process.terminationStatus == SIGKILL)
    }

    /// Writes `spec` to `file` in `scratch`, and expects `check` and a `--dry-run` both to accept it.
    static func expectAccepted(_ spec: String, as file: String, in scratch: Scratch) throws {
        try spec.write(toFile: scratch.path(file), atomically: true, encoding: .utf8)
        let check = try run(["check", file], in: scratch.url)
        let dry = try run([file, "--dry-run"], in: scratch.url)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(dry.status == 0 && dry.stderr.contains("dry run: "), "\(dry.stderr)")
    }

    /// Expects `spec`, written to `file` in `scratch`, to be accepted alike by `check` and a run, to
    /// train phase `phase` to a finite positive loss, and a second run of its seed to write the
    /// same metrics byte for byte (its random draws replay).
    static func expectTrainsAndReplaysDraws(_ spec: String, as file: String, phase: String, in scratch: Scratch) throws
    {
        try expectAccepted(spec, as: file, in: scratch)
        var metrics: [Data] = []
        for out in ["first", "second"] {
            let run = try run([file, "--out", out, "--threads", "1"], in: scratch.url)
            #expect(run.status == 0, "\(run.stderr)")
            metrics.append(try Data(contentsOf: scratch.url.appendingPathComponent("\(out)/metrics.json")))
        }
        let summary = try #require(try JSONSerialization.jsonObject(with: metrics[0]) as? [String: Any])
        let loss = try #require(summary["loss.\(phase)"] as? Double)
        let validation = try #require(summary["validation_loss"] as? Double)
        #expect(loss.isFinite && loss > 0 && validation.isFinite, "loss \(loss), validation loss \(validation)")
        #expect(metrics[0] == metrics[1])
    }
}
