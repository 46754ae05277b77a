import Foundation
import Testing

@testable import Study

/// How the Slurm engine runs `sbatch`, `squeue` and `scancel`: both pipes read at once, a time
/// limit, and the whole process group killed when it runs out.
struct ExternalCommandTests {
    @Test func muchOnStderrDoesNotStallACommandThatThenWritesStdout() throws {
        let outcome = try ExternalCommand.run(
            "/bin/sh", ["-c", "head -c 300000 /dev/zero | tr '\\0' x >&2; echo done"], timeout: 30)
        #expect(outcome.status == 0 && outcome.output == "done")
        #expect(outcome.errors.utf8.count == 300_000)
    }

    @Test func aCommandPastItsTimeLimitIsKilledWithItsChildren() throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("runexp-child-\(UUID()).pid")
        let started = Date()
        #expect(throws: ClusterError.self) {
            try ExternalCommand.run("/bin/sh", ["-c", "sleep 60 & echo $! > '\(pidFile.path)'; wait"], timeout: 1)
        }
        #expect(Date().timeIntervalSince(started) < 10)
        let text = try String(contentsOf: pidFile, encoding: .utf8)
        let child = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        defer { kill(child, SIGKILL) }
        Thread.sleep(forTimeInterval: 0.5)
        let stat = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8)) ?? ""
        #expect(stat.isEmpty || stat.contains(") Z"), "the command's child \(child) still runs: \(stat)")
    }

    @Test func aMissingExecutableIsAClusterError() {
        #expect(throws: ClusterError.self) { try ExternalCommand.run("/nonexistent/squeue", [], timeout: 5) }
    }
}
