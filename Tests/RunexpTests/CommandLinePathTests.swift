import Foundation
import Testing

/// A path typed on the command line is read against the current folder; a path written in a spec,
/// against the spec's folder.
struct CommandLinePathTests {
    func workspace() throws -> Scratch {
        let scratch = try Scratch()
        try scratch.writeImages(count: 120)
        try scratch.write(
            "specs/spec.yaml",
            OutputSplitTests.spec.replacingOccurrences(of: "d.npy", with: "../d.npy")
                .replacingOccurrences(of: "l.npy", with: "../l.npy"))
        return scratch
    }

    @Test func aDataPathGivenWithSetIsReadFromTheCurrentFolder() throws {
        let scratch = try workspace()
        let outcome = try RunexpBinary.run(
            ["check", "specs/spec.yaml", "--set", "data.source={npy: d.npy, labels: l.npy}"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("valid (plain, seed 0)"))
    }

    @Test func aDataPathWrittenInTheSpecIsReadFromTheSpecsFolder() throws {
        let scratch = try workspace()
        let outcome = try RunexpBinary.run(["check", "specs/spec.yaml"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    @Test func theAssignmentsPickleReadAsAPlainArrayIsRefusedAtTheSetWithTheSourceToUse() throws {
        let scratch = try workspace()
        let pickle = DataCommandTests.shared.appendingPathComponent("homework/MNIST_M_sample_p3.npy")
        try FileManager.default.copyItem(at: pickle, to: scratch.url.appendingPathComponent("MNIST_M.npy"))
        let outcome = try RunexpBinary.run(
            ["check", "specs/spec.yaml", "--set", "data.source={npy: MNIST_M.npy}"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.hasPrefix("--set data.source={npy: MNIST_M.npy}: error: cannot read the data: "))
        #expect(outcome.stderr.contains("read as `{homework: PATH}`"))
        #expect(!outcome.stderr.contains("HomeworkDataset"))
    }

    @Test func anUnknownLossListsTheNamesThatExistRatherThanAFarOneItMightBe() throws {
        let scratch = try workspace()
        let outcome = try RunexpBinary.run(
            ["check", "specs/spec.yaml", "--set", "phases.reconstruction.loss=kl(decoder(encoder(x)), x)"],
            in: scratch.url)
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains("unknown network or function 'kl'; expected one of: encoder, decoder, mse, sse, l1")
        )
        #expect(!outcome.stderr.contains("did you mean 'l1'"))
    }
}
