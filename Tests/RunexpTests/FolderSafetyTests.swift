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

    @Test func forceDoesNotDeleteAUsersFolderWhoseNameLooksLikeATemporaryFile() throws {
        let folder = try workspace()
        let backup = folder.appendingPathComponent("run/.thesis.tmp-backup")
        try FileManager.default.createDirectory(at: backup, withIntermediateDirectories: true)
        try "chapter one".write(to: backup.appendingPathComponent("thesis.tex"), atomically: true, encoding: .utf8)
        let outcome = try train(folder, ["--out", "run", "--force"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("files runexp did not write: .thesis.tmp-backup"), "\(outcome.stderr)")
        #expect(FileManager.default.fileExists(atPath: backup.appendingPathComponent("thesis.tex").path))
    }

    @Test func forceDoesNotDeleteAUsersImageInTheRunsImagesFolder() throws {
        let folder = try workspace()
        let photo = folder.appendingPathComponent("run/images/holiday.png")
        try FileManager.default.copyItem(at: folder.appendingPathComponent("run/images/reconstructions.png"), to: photo)
        let outcome = try train(folder, ["--out", "run", "--force"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("files runexp did not write: images/holiday.png"), "\(outcome.stderr)")
        #expect(FileManager.default.fileExists(atPath: photo.path))
    }

    @Test func forceReplacesARunThatAnInterruptedWriteLeftATemporaryFileIn() throws {
        let folder = try workspace()
        try "{\"half".write(
            to: folder.appendingPathComponent("run/.metrics.json.tmp-4242"), atomically: true, encoding: .utf8)
        try "half".write(
            to: folder.appendingPathComponent("run/images/.reconstructions.png.tmp-77"), atomically: true,
            encoding: .utf8)
        let outcome = try train(folder, ["--out", "run", "--force"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            !FileManager.default.fileExists(atPath: folder.appendingPathComponent("run/.metrics.json.tmp-4242").path))
    }

    @Test func ofTwoForceRunsIntoOneFolderTheLoserSaysTheFolderIsBusy() throws {
        // The sweep suite's tiny spec on 240 sample digits: quick to start, so the two runs meet.
        let scratch = try SweepCommandTests().scratch()
        let first = try RunexpBinary.run(["tiny.yaml", "--out", "run", "--set", "train.epochs=1"], in: scratch.url)
        try #require(first.status == 0, "\(first.stderr)")
        for round in 1...2 {
            let runs = (0..<2).map { _ -> (Process, Pipe) in
                let process = Process()
                process.executableURL = RunexpBinary.executable
                process.arguments = ["tiny.yaml", "--set", "train.epochs=6", "--out", "run", "--force"]
                process.currentDirectoryURL = scratch.url
                let errors = Pipe()
                process.standardOutput = FileHandle.nullDevice
                process.standardError = errors
                return (process, errors)
            }
            for (process, _) in runs { try process.run() }
            let stderrs = runs.map { String(decoding: $0.1.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
            for (process, _) in runs { process.waitUntilExit() }
            let statuses = runs.map { $0.0.terminationStatus }
            #expect(statuses.sorted() == [0, 2], "round \(round): \(statuses) \(stderrs)")
            if let loser = statuses.firstIndex(of: 2) {
                #expect(stderrs[loser].contains("run is busy: another runexp run holds its lock"), "\(stderrs[loser])")
            }
            let beside = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter {
                $0.hasPrefix("run-")
            }
            #expect(beside.isEmpty, "round \(round): a run went beside --out: \(beside)")
        }
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
        #expect(forced.stderr.contains("busy is busy: another runexp run holds its lock"), "\(forced.stderr)")
        let resumed = try RunexpBinary.run(["tiny.yaml", "--resume", "busy"], in: folder)
        #expect(resumed.status == 2)
        #expect(resumed.stderr.contains("busy is busy: another runexp run holds its lock"), "\(resumed.stderr)")
        #expect(first.isRunning, "the first run was disturbed")
    }

    /// Every path below `folder`, relative to it.
    static func listing(_ folder: URL) -> Set<String> {
        Set(FileManager.default.enumerator(atPath: folder.path)?.allObjects.compactMap { $0 as? String } ?? [])
    }

    /// Runs `chattr flag path`; false where the file system has no such attributes (tmpfs, overlay)
    /// or the user may not set them (only root may set `+i`).
    @discardableResult
    static func chattr(_ flag: String, _ path: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["chattr", flag, path]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Whether `chattr +i` works in the temporary folder: the only way found to make a deletion fail
    /// for root (permissions do not stop root; a bind mount needs mount rights).
    static let immutableFilesWork: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("runexp-chattr-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: probe.path, contents: Data()) else { return false }
        defer { try? FileManager.default.removeItem(at: probe) }
        guard chattr("+i", probe.path) else { return false }
        return chattr("-i", probe.path)
    }()

    @Test(.enabled(if: immutableFilesWork, "needs chattr +i in the temporary folder (root, ext4 or xfs)"))
    func aForceThatCannotDeleteAFileOfTheOldRunLosesNothingAndNamesTheFile() throws {
        let folder = try workspace()
        let run = folder.appendingPathComponent("run")
        let immutable = run.appendingPathComponent("plots/curves.svg")
        let before = Self.listing(folder)
        #expect(Self.chattr("+i", immutable.path))
        defer { Self.chattr("-i", immutable.path) }
        let outcome = try train(folder, ["--out", "run", "--force", "--seed", "3"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("\(immutable.path) is immutable"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("NSCocoaErrorDomain"))
        #expect(Self.listing(folder) == before, "the old run lost files, or something was left beside it")
        let record = try String(contentsOf: run.appendingPathComponent("run.json"), encoding: .utf8)
        #expect(record.contains("\"seed\": 0"))
    }

    @Test func anEmptyOutIsRefusedInsteadOfWritingBesideTheWorkingFolder() throws {
        let folder = try RunCommandTests.workspace()
        let inside = folder.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: inside, withIntermediateDirectories: true)
        let outcome = try RunexpBinary.run(
            ["../tiny.yaml", "--out", "", "--set", "train.epochs=1"], in: inside, timeout: 120)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("the output folder is empty (--out '')"), "\(outcome.stderr)")
        #expect(Self.listing(folder) == ["tiny.yaml", "work"])
    }

    @Test func anOutLongerThanTheSystemAllowsIsRefusedWithoutMakingAnyFolder() throws {
        let folder = try RunCommandTests.workspace()
        let long = "deep/" + Array(repeating: String(repeating: "d", count: 200), count: 25).joined(separator: "/")
        let outcome = try RunexpBinary.run(["tiny.yaml", "--out", long], in: folder, timeout: 120)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("must stay under the system's limit of 4096"), "\(outcome.stderr)")
        #expect(outcome.stderr.utf8.count < 400, "the message repeats the whole path")
        #expect(Self.listing(folder) == ["tiny.yaml"])
    }
}
