import Foundation
import Testing

/// A folder of fake Slurm commands (`sbatch`, `squeue`, `scancel`: bash scripts) put first on the
/// PATH of a runexp run, so that the Slurm engine's dealings with them run anywhere, no cluster
/// needed. Each fake appends its arguments to `<tool>.calls` before doing what it was told.
struct FakeSlurm {
    /// The scratch folder the study runs in; the fakes live in its `fake-slurm/`.
    let scratch: Scratch

    /// The folder of fakes.
    var folder: URL { scratch.url.appendingPathComponent("fake-slurm") }

    /// Writes the tiny spec and the three fakes, each running its `body` after logging its call.
    init(
        sbatch: String = "echo 4242", squeue: String = "echo '0 COMPLETED'", scancel: String = "true"
    ) throws {
        scratch = try Scratch()
        try scratch.write("tiny.yaml", SweepCommandTests.spec)
        for (tool, body) in [("sbatch", sbatch), ("squeue", squeue), ("scancel", scancel)] {
            let path = folder.appendingPathComponent(tool).path
            try scratch.write(
                "fake-slurm/\(tool)", "#!/bin/bash\necho \"$*\" >> '\(folder.path)/\(tool).calls'\n\(body)\n")
            chmod(path, 0o755)
        }
    }

    /// The argument lines `tool` was called with, in order.
    func calls(_ tool: String) -> [String] {
        let text = try? String(contentsOf: folder.appendingPathComponent("\(tool).calls"), encoding: .utf8)
        return text?.split(separator: "\n").map(String.init) ?? []
    }

    /// The environment that puts the fakes first on the PATH.
    var environment: [String: String?] {
        ["PATH": folder.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    /// `runexp sweep tiny.yaml --seeds 0 --engine slurm --out study` and `extra`, run to its end.
    func sweep(_ extra: [String] = [], timeout: Double = 60) throws -> RunexpBinary.Outcome {
        try RunexpBinary.run(
            ["sweep", "tiny.yaml", "--seeds", "0", "--engine", "slurm", "--out", "study"] + extra, in: scratch.url,
            timeout: timeout, environment: environment)
    }

    /// The same sweep started in the background, its output to `sweep.out` and `sweep.err`.
    func startSweep() throws -> Process {
        let process = Process()
        process.executableURL = RunexpBinary.executable
        process.arguments = ["sweep", "tiny.yaml", "--seeds", "0", "--engine", "slurm", "--out", "study"]
        process.currentDirectoryURL = scratch.url
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        FileManager.default.createFile(atPath: scratch.path("sweep.out"), contents: nil)
        FileManager.default.createFile(atPath: scratch.path("sweep.err"), contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: scratch.path("sweep.out"))
        process.standardError = FileHandle(forWritingAtPath: scratch.path("sweep.err"))
        try process.run()
        return process
    }

    /// Waits up to `seconds` for `condition`; whether it came true.
    static func wait(_ seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return true
    }

    /// The study's trials as study.json lists them.
    func trials() throws -> [[String: Any]] {
        let data = try Data(contentsOf: scratch.url.appendingPathComponent("study/study.json"))
        let record = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(record["trials"] as? [[String: Any]])
    }

    /// Whether process `pid` still runs (a zombie, ended but not yet reaped, does not).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }
}
