import Foundation
import Testing

/// `runexp-fuzz`, the long-run fuzzer `scripts/fuzz.sh` drives, run as the script runs it.
struct FuzzCommandTests {
    static var executable: URL {
        RunexpBinary.executable.deletingLastPathComponent().appendingPathComponent("runexp-fuzz")
    }

    static func run(_ arguments: [String], in folder: URL) throws -> RunexpBinary.Outcome {
        try RunexpBinary.run(arguments, in: folder, timeout: 300, executable: executable)
    }

    @Test func listNamesEveryTarget() throws {
        let outcome = try Self.run(["--list"], in: try Scratch().url)
        #expect(outcome.status == 0)
        let names = outcome.stdout.split(separator: "\n").map { $0.split(separator: "\t")[0] }
        #expect(
            names == [
                "spec", "expression", "npy", "npz", "pickle", "cifar", "idx", "png", "png-image", "jpeg", "safetensors",
                "study", "sbatch", "compare",
            ])
    }

    @Test func aShortCampaignReportsItsCountsAndFindsNothing() throws {
        let scratch = try Scratch()
        let outcome = try Self.run(
            ["--target", "idx", "--iterations", "300", "--seed", "4", "--out", "findings"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("idx: 300 inputs (seed 4, from 0) in "))
        #expect(outcome.stdout.contains(" 0 unexpected errors, 0 slow;"))
        #expect(scratch.listing() == ["findings"])
    }

    @Test func replayFeedsOneSavedInputToTheTarget() throws {
        let scratch = try Scratch()
        try scratch.write("cut.npy", Array(BadFiles.digitsNpy.prefix(300)))
        let outcome = try Self.run(["--target", "npy", "--replay", "cut.npy"], in: scratch.url)
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("npy: refused(\"fuzz.npy: data truncated: shape [20, 784] of uint8"))
    }

    @Test func anUnknownTargetIsAUsageError() throws {
        let outcome = try Self.run(["--target", "nope"], in: try Scratch().url)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("runexp-fuzz: no target 'nope'"))
    }
}
