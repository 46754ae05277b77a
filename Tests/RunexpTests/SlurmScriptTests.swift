import Foundation
import Testing

/// What `study.sbatch` carries from the command line (issue 30, item 4): a value can never become
/// a line of its own. Control characters in `--time` and `--slurm-arg` are usage errors, `--time`
/// must be one of Slurm's formats, and the study folder's path is quoted or refused.
struct SlurmScriptTests {
    @Test(arguments: [
        ["--time", "30:00\ntouch pwned"], ["--slurm-arg=--partition=short\ntouch pwned"], ["--time", "30min"],
        ["--slurm-arg=--qos=a\u{1B}[31m"], ["--slurm-arg=partition=short"],
    ])
    func aBadSlurmValueIsAUsageErrorNamingItsOption(_ arguments: [String]) throws {
        let slurm = try FakeSlurm()
        let outcome = try slurm.sweep(arguments)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        let option = arguments[0].hasPrefix("--time") ? "--time" : "--slurm-arg"
        #expect(outcome.stderr.contains("\(option) must be"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("\ntouch pwned"), "the value reached stderr unescaped")
        #expect(slurm.calls("sbatch").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: slurm.scratch.path("study")))
    }

    @Test func slurmTimeFormatsAreAccepted() throws {
        let slurm = try FakeSlurm()
        for time in ["30", "30:00", "2:00:00", "1-12", "1-12:30", "1-12:30:00", "UNLIMITED"] {
            let outcome = try slurm.sweep(["--time", time, "--out", "study-\(time)"])
            #expect(outcome.status == 1, "--time \(time): \(outcome.stderr)")
            let script = try String(
                contentsOfFile: slurm.scratch.path("study-\(time)/study.sbatch"), encoding: .utf8)
            #expect(script.contains("\n#SBATCH --time=\(time)\n"))
        }
    }

    @Test func aStudyFolderWithANewlineInItsPathIsRefused() throws {
        let slurm = try FakeSlurm()
        let outcome = try slurm.sweep(["--out", "a\ntouch pwned"])
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("study folder"), "\(outcome.stderr)")
        #expect(slurm.calls("sbatch").isEmpty)
    }

    @Test func aStudyFolderPathIsQuotedInTheScript() throws {
        let slurm = try FakeSlurm()
        let outcome = try slurm.sweep(["--out", "my #1 100% study"])
        #expect(outcome.status == 1, "\(outcome.stderr)")
        let folder = slurm.scratch.url.appendingPathComponent("my #1 100% study").path
        let script = try String(contentsOfFile: folder + "/study.sbatch", encoding: .utf8)
        // sbatch reads double quotes and backslash escapes in #SBATCH lines (an unescaped # starts
        // a comment there), and %% is its file name pattern for a percent sign.
        let logs =
            folder.replacingOccurrences(of: "%", with: "%%").replacingOccurrences(of: "#", with: "\\#")
            + "/logs/trial-%3a.log"
        #expect(script.contains("\n#SBATCH --output=\"\(logs)\"\n"), "\(script)")
        #expect(script.contains("--out '\(folder)/trial-000'"), "\(script)")
    }

    /// `runexp-fuzz --target sbatch` found it: a quote followed by a combining accent is one Swift
    /// character, so it was neither escaped in '…' nor in "…", though bash and sbatch read bytes.
    @Test func aQuoteWithACombiningAccentInTheStudyFolderStaysInsideItsWord() throws {
        let slurm = try FakeSlurm()
        let name = "s'\u{301};touch pwned;'\u{301}\"\u{301} --wrap=x"
        let outcome = try slurm.sweep(["--out", name])
        #expect(outcome.status == 1, "\(outcome.stderr)")
        let folder = slurm.scratch.url.appendingPathComponent(name).path
        let script = try String(contentsOfFile: folder + "/study.sbatch", encoding: .utf8)
        let lines = script.split(separator: "\n").map(String.init)
        // bash reads the task's words: printf prints them, one a line, instead of running them.
        let task = try #require(lines.first { $0.hasPrefix("  0) exec ") })
        let words = task.dropFirst("  0) exec ".count).dropLast(" ;;".count)
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = ["-c", "printf '%s\\n' " + words]
        bash.currentDirectoryURL = slurm.scratch.url
        let pipe = Pipe()
        bash.standardOutput = pipe
        try bash.run()
        let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        bash.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: slurm.scratch.path("pwned")), "\(task)")
        let trial = Array((folder + "/trial-000").unicodeScalars)
        #expect(printed.split(separator: "\n").contains { Array($0.unicodeScalars) == trial }, "\(printed)")
        // sbatch reads "…" with backslash escapes: the quote inside is escaped, scalar by scalar.
        let escaped = folder.unicodeScalars.map { $0 == "\"" ? "\\\"" : String($0) }.joined()
        let output = try #require(lines.first { $0.hasPrefix("#SBATCH --output=") })
        #expect(
            Array(output.unicodeScalars)
                == Array("#SBATCH --output=\"\(escaped)/logs/trial-%3a.log\"".unicodeScalars), "\(output)")
    }

    @Test func aSlurmArgumentWithASpaceOrAHashReachesSbatchAsOneWord() throws {
        let slurm = try FakeSlurm()
        let outcome = try slurm.sweep(["--slurm-arg=--comment=grid of 2 #1"])
        #expect(outcome.status == 1, "\(outcome.stderr)")
        let script = try String(contentsOfFile: slurm.scratch.path("study/study.sbatch"), encoding: .utf8)
        #expect(script.contains("\n#SBATCH \"--comment=grid of 2 \\#1\"\n"), "\(script)")
    }
}
