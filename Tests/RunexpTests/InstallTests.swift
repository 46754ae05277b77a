import Foundation
import Testing

/// `scripts/install.sh` puts a working `runexp` on the PATH: one that finds its embedded data
/// wherever it is run from, without the build folder.
struct InstallTests {
    @Test func theInstalledBinaryRunsFromAnyFolderWithItsEmbeddedData() throws {
        let prefix = try Scratch()
        let install = Process()
        install.executableURL = RunexpBinary.packageRoot.appendingPathComponent("scripts/install.sh")
        install.arguments = [
            "--from", RunexpBinary.executable.deletingLastPathComponent().path, "--prefix", prefix.url.path,
        ]
        install.standardOutput = FileHandle.nullDevice
        try install.run()
        install.waitUntilExit()
        #expect(install.terminationStatus == 0)
        let installed = prefix.url.appendingPathComponent("bin/runexp")
        #expect(FileManager.default.isExecutableFile(atPath: installed.path))
        let folder = try RunCommandTests.workspace()
        let outcome = try RunexpBinary.run(["tiny.yaml", "--dry-run"], in: folder, executable: installed)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("dry run: tiny_ae"))
    }
}
