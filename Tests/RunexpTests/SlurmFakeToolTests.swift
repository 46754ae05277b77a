import Foundation
import Testing

/// The Slurm engine against fake `sbatch`, `squeue` and `scancel` that misbehave (issue 30, item
/// 3): no output of theirs stalls runexp, no hang outlives Ctrl-C, nothing they print is taken on
/// trust. These run anywhere: the fakes are shell scripts first on the PATH.
struct SlurmFakeToolTests {
    @Test func aSqueueWritingMuchToStderrDoesNotStallTheStudy() throws {
        let slurm = try FakeSlurm(squeue: "head -c 200000 /dev/zero | tr '\\0' x >&2; echo '0 COMPLETED'")
        let outcome = try slurm.sweep(timeout: 60)
        #expect(!outcome.timedOut, "runexp stalled on squeue's stderr")
        // The fake ran no trial, so the task that Slurm says completed left no verdict: failed.
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(try slurm.trials().first?["status"] as? String == "failed")
    }

    @Test func sigtermStopsFollowingATaskThatNeverEnds() throws {
        let slurm = try FakeSlurm(squeue: "echo '0 RUNNING'")
        let sweep = try slurm.startSweep()
        defer { if sweep.isRunning { kill(sweep.processIdentifier, SIGKILL) } }
        #expect(FakeSlurm.wait(60) { !slurm.calls("squeue").isEmpty }, "runexp never asked squeue")
        sweep.terminate()
        let stopped = FakeSlurm.wait(20) { !sweep.isRunning }
        #expect(stopped, "runexp still follows the task 20 s after SIGTERM")
        guard stopped else { return }
        #expect(sweep.terminationStatus == 130)
        #expect(slurm.calls("scancel").contains { $0.contains("4242") }, "\(slurm.calls("scancel"))")
        #expect(try slurm.trials().first?["status"] as? String == "interrupted")
    }

    @Test func aHangingSbatchStopsAtTheFirstCtrlCAndItsChildIsKilled() throws {
        let slurm = try FakeSlurm(sbatch: "sleep 300 &\necho $! > \"$(dirname \"$0\")/child.pid\"\nwait")
        let sweep = try slurm.startSweep()
        let pidFile = slurm.folder.appendingPathComponent("child.pid").path
        var child: Int32?
        defer {
            if sweep.isRunning { kill(sweep.processIdentifier, SIGKILL) }
            if let child { kill(child, SIGKILL) }
        }
        #expect(
            FakeSlurm.wait(60) {
                child = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap {
                    Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
                }
                return child != nil
            }, "the fake sbatch never started")
        sweep.interrupt()
        let stopped = FakeSlurm.wait(15) { !sweep.isRunning }
        #expect(stopped, "runexp still waits on sbatch 15 s after one Ctrl-C")
        guard stopped, let child else { return }
        #expect(sweep.terminationStatus == 130)
        #expect(FakeSlurm.wait(5) { !FakeSlurm.isAlive(child) }, "sbatch's child \(child) still runs")
    }

    @Test func garbageFromSbatchIsRefusedQuotingItAndNeverPassedOn() throws {
        let slurm = try FakeSlurm(sbatch: "printf 'Submitted batch job 7\\033[31m\\n'")
        let outcome = try slurm.sweep()
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(
            outcome.stderr.contains("sbatch printed no job id")
                && outcome.stderr.contains("'Submitted batch job 7\\u{1B}[31m'"), "\(outcome.stderr)")
        #expect(slurm.calls("squeue").isEmpty && slurm.calls("scancel").isEmpty)
        #expect(try slurm.trials().first?["job_id"] == nil)
    }

    @Test func aFailingSqueueIsAskedAgainAndThenFailsTheStudyLeavingTheTrialRunning() throws {
        let slurm = try FakeSlurm(
            squeue: "echo 'slurm_load_jobs error: Unable to contact slurm controller' >&2; exit 1")
        let outcome = try slurm.sweep(timeout: 120)
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(slurm.calls("squeue").count >= 3, "\(slurm.calls("squeue"))")
        #expect(
            outcome.stderr.contains("squeue") && outcome.stderr.contains("Unable to contact slurm controller"),
            "\(outcome.stderr)")
        // Never taken as "the task ended": a later --resume follows the same job.
        let trial = try #require(try slurm.trials().first)
        #expect(trial["status"] as? String == "running" && trial["job_id"] as? String == "4242_0", "\(trial)")
    }

    @Test func aJobSqueueNoLongerKnowsHasEnded() throws {
        let slurm = try FakeSlurm(
            squeue: "echo 'slurm_load_jobs error: Invalid job id specified' >&2; exit 1")
        let outcome = try slurm.sweep()
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(try slurm.trials().first?["status"] as? String == "failed")
    }

    @Test func aSqueueThatFailsTwiceAndThenAnswersIsFollowedToTheEnd() throws {
        let slurm = try FakeSlurm(
            squeue: "[ $(wc -l < \"$(dirname \"$0\")/squeue.calls\") -le 2 ] && { echo 'timed out' >&2; exit 1; }\n"
                + "echo '0 COMPLETED'")
        let outcome = try slurm.sweep(timeout: 120)
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(slurm.calls("squeue").count == 3, "\(slurm.calls("squeue"))")
        #expect(!outcome.stderr.contains("squeue failed"), "\(outcome.stderr)")
        #expect(try slurm.trials().first?["status"] as? String == "failed")
    }

    @Test func aTamperedJobIDInStudyJSONIsRefusedOnResume() throws {
        let slurm = try FakeSlurm()
        let detached = try slurm.sweep(["--detach"])
        #expect(detached.status == 0, "\(detached.stderr)")
        let path = slurm.scratch.path("study/study.json")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"4242_0\""))
        try text.replacingOccurrences(of: "\"4242_0\"", with: "\"--me=x_0\"").write(
            toFile: path, atomically: true, encoding: .utf8)
        let resumed = try RunexpBinary.run(
            ["sweep", "--resume", "study"], in: slurm.scratch.url, timeout: 60, environment: slurm.environment)
        #expect(resumed.status == 2, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("job id '--me=x'"), "\(resumed.stderr)")
        #expect(slurm.calls("squeue").isEmpty, "\(slurm.calls("squeue"))")
    }
}
