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
}
