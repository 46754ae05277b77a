import Foundation
import Testing

/// `--force` replaces and `--resume` writes into only a folder that is provably a run runexp wrote;
/// anything else of the user's is left as it was, and the command exits 2 saying what is there.
struct FolderSafetyTests {
    /// A workspace with a finished one-epoch run in `run`.
    func workspace() throws -> URL {
        let folder = try RunCommandTests.workspace()
        let outcome = try RunexpBinary.run(["tiny.yaml", "--out", "run", "--set", "train.epochs=1"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return folder
    }

    func train(_ folder: URL, _ arguments: [String]) throws -> RunexpBinary.Outcome {
        try RunexpBinary.run(["tiny.yaml", "--set", "train.epochs=1"] + arguments, in: folder)
    }

    @Test func forceDoesNotReplaceAFile() throws {
        let folder = try workspace()
        try "keep me".write(to: folder.appendingPathComponent("f"), atomically: true, encoding: .utf8)
        let outcome = try train(folder, ["--out", "f", "--force"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--force replaces only a run folder runexp wrote"))
        #expect(outcome.stderr.contains("it is a file, not a folder"))
        #expect(try String(contentsOf: folder.appendingPathComponent("f"), encoding: .utf8) == "keep me")
    }

    @Test func forceDoesNotReplaceAFolderOfTheUsers() throws {
        let folder = try workspace()
        let precious = folder.appendingPathComponent("precious")
        try FileManager.default.createDirectory(at: precious, withIntermediateDirectories: true)
        try "keep me".write(to: precious.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let outcome = try train(folder, ["--out", "precious", "--force"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("holds no run.json that runexp wrote (it holds notes.txt)"))
        #expect(FileManager.default.fileExists(atPath: precious.appendingPathComponent("notes.txt").path))
    }

    @Test func forceDoesNotReplaceAProjectThatHoldsARunJSON() throws {
        let folder = try workspace()
        let project = folder.appendingPathComponent("project")
        try FileManager.default.createDirectory(
            at: project.appendingPathComponent("src"), withIntermediateDirectories: true)
        try "{}".write(to: project.appendingPathComponent("run.json"), atomically: true, encoding: .utf8)
        try "int main(void) {}".write(
            to: project.appendingPathComponent("src/main.c"), atomically: true, encoding: .utf8)
        let outcome = try train(folder, ["--out", "project", "--force"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("holds no run.json that runexp wrote (it holds run.json, src)"))
        #expect(FileManager.default.fileExists(atPath: project.appendingPathComponent("src/main.c").path))
    }

    @Test func forceDoesNotDeleteAUsersFileInsideARun() throws {
        let folder = try workspace()
        let notes = folder.appendingPathComponent("run/images/my-notes.txt")
        try "observations".write(to: notes, atomically: true, encoding: .utf8)
        let outcome = try train(folder, ["--out", "run", "--force"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("it holds files runexp did not write: images/my-notes.txt"))
        #expect(FileManager.default.fileExists(atPath: notes.path))
    }

    @Test func forceReplacesARunRunexpWrote() throws {
        let folder = try workspace()
        let outcome = try train(folder, ["--out", "run", "--force", "--seed", "3"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let run = try String(contentsOf: folder.appendingPathComponent("run/run.json"), encoding: .utf8)
        #expect(run.contains("\"seed\": 3"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func resumeDoesNotWriteIntoAFolderThatIsNotARun() throws {
        let folder = try workspace()
        let project = folder.appendingPathComponent("userproj")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try "mine".write(to: project.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let outcome = try RunexpBinary.run(["tiny.yaml", "--resume", "userproj"], in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("userproj is not a run folder runexp wrote, so there is nothing to resume"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: project.path) == ["spec.yaml"])
        #expect(try String(contentsOf: project.appendingPathComponent("spec.yaml"), encoding: .utf8) == "mine")
    }

    @Test func resumeBesideOutOrForceIsAUsageError() throws {
        let folder = try workspace()
        let outcome = try RunexpBinary.run(["tiny.yaml", "--resume", "run", "--force"], in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--out and --force do not go with it"))
    }

    @Test func forceAndResumeRefuseAFolderARunIsWritingIn() throws {
        let folder = try workspace()
        let first = Process()
        first.executableURL = RunexpBinary.executable
        first.arguments = ["tiny.yaml", "--out", "busy", "--set", "train.epochs=500"]
        first.currentDirectoryURL = folder
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer {
            if first.isRunning { first.terminate() }
            first.waitUntilExit()
        }
        let runJSON = folder.appendingPathComponent("busy/run.json").path
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: runJSON), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let forced = try train(folder, ["--out", "busy", "--force"])
        #expect(forced.status == 2)
        #expect(forced.stderr.contains("another runexp run is writing in"), "\(forced.stderr)")
        let resumed = try RunexpBinary.run(["tiny.yaml", "--resume", "busy"], in: folder)
        #expect(resumed.status == 2)
        #expect(resumed.stderr.contains("another runexp run is writing in"), "\(resumed.stderr)")
        #expect(first.isRunning, "the first run was disturbed")
    }
}
