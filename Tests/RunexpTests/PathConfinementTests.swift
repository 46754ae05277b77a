import Data
import Foundation
import Testing

/// Nothing a spec says makes runexp write outside the folder the user chose (`--out`, or
/// `results/<name>/seed-<seed>/` below the working folder), and data paths are read relative to the
/// spec, as written. Names that try to become paths are refused in the catalogue (`*-is-a-path.yaml`)
/// and here from the command line.
struct PathConfinementTests {
    static func spec(name: String = "confined", source: String = "{npy: ../data/d.npy, labels: ../data/l.npy}")
        -> String
    {
        """
        name: \(name)
        data: {source: \(source), shape: [784]}
        networks:
          encoder: {layers: [dense: 8, relu, dense: 2]}
          decoder: {layers: [dense: 8, relu, dense: 784, sigmoid]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
        train: {epochs: 1, batch_size: 20}
        outputs: [curves, tsne: {points: 30, perplexity: 5}]

        """
    }

    /// A scratch folder with the data in `data/`, the spec in `specs/` and an empty `work/`.
    static func workspace() throws -> Scratch {
        let scratch = try Scratch()
        try scratch.writeImages(count: 60)
        for name in ["d.npy", "l.npy"] {
            try FileManager.default.createDirectory(atPath: scratch.path("data"), withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: scratch.path(name), toPath: scratch.path("data/\(name)"))
        }
        try scratch.write("specs/confined.yaml", spec())
        try FileManager.default.createDirectory(atPath: scratch.path("work"), withIntermediateDirectories: true)
        return scratch
    }

    /// The paths that appeared in `scratch` since `before`.
    static func added(_ scratch: Scratch, since before: Set<String>) -> [String] {
        scratch.listing().subtracting(before).sorted()
    }

    @Test func aRunWritesOnlyBelowItsOutputFolder() throws {
        let scratch = try Self.workspace()
        let before = scratch.listing()
        let outcome = try RunexpBinary.run(
            ["../specs/confined.yaml", "--out", "../runs/a"], in: scratch.url.appendingPathComponent("work"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let added = Self.added(scratch, since: before)
        #expect(added.contains("runs/a/metrics.json"))
        #expect(added.allSatisfy { $0 == "runs" || $0.hasPrefix("runs/a") }, "\(added)")
    }

    @Test func dotDotInOutAndResumeIsResolvedFromTheWorkingFolder() throws {
        // Foundation's `standardized` on the relative `./x/../b` gives `/b`, and drops a leading `..`.
        let scratch = try Self.workspace()
        let work = scratch.url.appendingPathComponent("work")
        let before = scratch.listing()
        #expect(try RunexpBinary.run(["../specs/confined.yaml", "--out", "./x/../b"], in: work).status == 0)
        #expect(try RunexpBinary.run(["../specs/confined.yaml", "--out", "../runs/c"], in: work).status == 0)
        #expect(!FileManager.default.fileExists(atPath: "/b/run.json"))
        let added = Self.added(scratch, since: before)
        #expect(added.contains("work/b/run.json") && added.contains("runs/c/run.json"), "\(added)")
        let resumed = try RunexpBinary.run(["../specs/confined.yaml", "--resume", "../runs/c"], in: work)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming after epoch 1"))
    }

    @Test func withoutOutTheRunWritesOnlyBelowResultsInTheWorkingFolder() throws {
        let scratch = try Self.workspace()
        let before = scratch.listing()
        let outcome = try RunexpBinary.run(["../specs/confined.yaml"], in: scratch.url.appendingPathComponent("work"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let added = Self.added(scratch, since: before)
        #expect(added.contains("work/results/confined/seed-0/run.json"))
        #expect(added.allSatisfy { $0.hasPrefix("work/results") }, "\(added)")
    }

    @Test(arguments: [
        ("name=../../escape", "experiment name '../../escape' must be a plain name"),
        ("name=/tmp/escape", "experiment name '/tmp/escape' must be a plain name"),
        ("phases.reconstruction.name=../x", "phase name '../x' must be a plain name"),
        ("networks={../evil: {layers: [dense: 2]}, decoder: {layers: [dense: 784]}}", "network name '../evil' must be"),
        ("outputs=[latent: {decoder: ../../decoder}]", "an output uses network '../../decoder'"),
    ])
    func aNameThatTriesToBeAPathIsRefusedFromTheCommandLine(_ override: String, _ message: String) throws {
        let scratch = try Self.workspace()
        let before = scratch.listing()
        let outcome = try RunexpBinary.run(
            ["../specs/confined.yaml", "--set", override], in: scratch.url.appendingPathComponent("work"))
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
        #expect(scratch.listing() == before)
    }

    @Test func aSpecFileNameThatIsNotAPlainNameGivesAPlainDefaultName() throws {
        let scratch = try Self.workspace()
        let text = Self.spec().split(separator: "\n").dropFirst().joined(separator: "\n") + "\n"
        try scratch.write("specs/we ird$name..yaml", text)
        let before = scratch.listing()
        let outcome = try RunexpBinary.run(
            ["../specs/we ird$name..yaml"], in: scratch.url.appendingPathComponent("work"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let added = Self.added(scratch, since: before)
        #expect(added.allSatisfy { $0.hasPrefix("work/results") }, "\(added)")
        #expect(added.contains { $0.hasPrefix("work/results/we_ird_name") }, "\(added)")
    }

    @Test func dataPathsAreReadRelativeToTheSpecNotTheWorkingFolder() throws {
        let scratch = try Self.workspace()
        // A decoy beside the working folder with the same relative path: reading it would fail.
        try scratch.write("data-decoy/d.npy", "not an array\n")
        try scratch.write("work/specs-decoy.yaml", Self.spec(source: "{npy: ../data/d.npy}"))
        let fromElsewhere = try RunexpBinary.run(
            ["check", "../specs/confined.yaml"], in: scratch.url.appendingPathComponent("data-decoy"))
        #expect(fromElsewhere.status == 0, "\(fromElsewhere.stderr)")
        #expect(fromElsewhere.stdout.contains("data: ../data/d.npy"))
    }

    @Test func anNpzMemberNamedLikeAPathIsOnlyANameAndNothingIsWritten() throws {
        let scratch = try Scratch()
        let array = try NumericArray(shape: [2, 2], elements: [UInt8(1), 2, 3, 4])
        try scratch.write("inside/a.npz", try NPZ.encode([NamedArray("../../evil", array)]))
        let before = scratch.listing()
        let outcome = try RunexpBinary.run(["data", "inspect", "inside/a.npz"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("../../evil: uint8 [2, 2]"), "\(outcome.stdout)")
        #expect(scratch.listing() == before)
    }
}
