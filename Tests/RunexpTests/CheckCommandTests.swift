import Foundation
import Testing

/// `runexp check` on the committed experiments, run as a user runs it.
struct CheckCommandTests {
    @Test func cnnAutoencoderSpecIsValidAndPrintsItsTables() throws {
        let outcome = try RunexpBinary.run(["check", "experiments/cnn_ae.yaml"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("network encoder: 28×28×3 → 64"))
        #expect(outcome.stdout.contains("network decoder: 64 → 28×28×3"))
        // PyTorch's parameter counts for the same layers: Conv2d(3,32,3) = 896, Linear(3136,64) = 200,768.
        #expect(outcome.stdout.contains("896"))
        #expect(outcome.stdout.contains("200,768"))
        #expect(outcome.stdout.contains("reconstruction  mse(decoder(encoder(x)), x)  encoder, decoder  —"))
    }

    @Test func aKernelFileAsTheSpecIsRefusedWithTheSystemsReasonNotFoundationsCode() throws {
        let outcome = try RunexpBinary.run(["check", "/proc/self/pagemap"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("/proc/self/pagemap: error:"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("NSCocoaErrorDomain"), "\(outcome.stderr)")
    }

    @Test func aaeSpecShowsThreePhasesAndWhatEachPassesThrough() throws {
        let outcome = try RunexpBinary.run(["check", "experiments/aae_mlp.yaml"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let schedule = outcome.stdout.components(separatedBy: "\n").filter {
            $0.hasPrefix("  reconstruction ") || $0.hasPrefix("  discriminator ") || $0.hasPrefix("  generator ")
        }
        #expect(schedule.count == 3)
        #expect(schedule.last?.contains("encoder") == true)
        #expect(schedule.last?.contains("discriminator") == true)
        #expect(outcome.stdout.contains("network discriminator: 100 → 1"))
    }

    @Test func resolvedSpecMarksFileLinesOverridesAndDefaults() throws {
        let outcome = try RunexpBinary.run(
            ["check", "experiments/aae_mlp.yaml", "--set", "train.epochs=3", "--seed", "7"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.components(separatedBy: "\n")
        #expect(lines.contains { $0.contains("epochs: 3") && $0.hasSuffix("# --set train.epochs=3") })
        #expect(lines.contains { $0.contains("seed: 7") && $0.hasSuffix("# --seed 7") })
        #expect(lines.contains { $0.contains("shuffle: true") && $0.hasSuffix("# default") })
        #expect(lines.contains { $0.contains("batch_size: 100") && $0.hasSuffix("# line 39") })
    }

    @Test func overrideOfAMissingListItemIsRefusedWithTheNearestName() throws {
        let outcome = try RunexpBinary.run(
            ["check", "experiments/aae_mlp.yaml", "--set", "phases.generater.optimizer.adam.lr=0.1"])
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains(
                "--set phases.generater.optimizer.adam.lr=0.1: error: no item 'generater' in the list at phases; did you mean 'generator'?"
            ))
    }

    @Test func oneCheckReportsAKeyErrorInOneNetworkAndAShapeErrorInAnotherEachAtItsPlace() throws {
        let scratch = try Scratch()
        let spec = try String(
            contentsOf: RunexpBinary.packageRoot.appendingPathComponent("experiments/cnn_ae.yaml"), encoding: .utf8)
        try scratch.write(
            "bad.yaml",
            spec.replacingOccurrences(of: "filters: 64, kernel: 3", with: "filtrs: 64, kernel: 3")
                .replacingOccurrences(of: "reshape: [7, 7, 64]", with: "reshape: [7, 7, 63]"))
        let outcome = try RunexpBinary.run(["check", "bad.yaml"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr == """
                bad.yaml:17:17: error: layer 'conv2d' of network 'encoder' is missing the required key 'filters'
                bad.yaml:17:18: error: unknown key 'filtrs' in layer 'conv2d' of network 'encoder'; did you mean 'filters'?
                bad.yaml:26:9: error: network 'decoder', layer 2 (reshape 7×7×63): cannot reshape 3136 values into 7×7×63 (3087 values)
                3 errors in bad.yaml

                """)
    }

    @Test func specPathThatIsADirectoryExitsTwo() throws {
        let outcome = try RunexpBinary.run(["check", "experiments"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("experiments: error: is a directory"))
    }

    @Test func missingSpecFileExitsTwo() throws {
        let outcome = try RunexpBinary.run(["check", "experiments/nope.yaml"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("experiments/nope.yaml: error: no such file"))
    }

    @Test func unknownOptionExitsTwoNotSixtyFour() throws {
        let outcome = try RunexpBinary.run(["check", "experiments/cnn_ae.yaml", "--sed", "3"])
        #expect(outcome.status == 2)
    }

    @Test func aTSNEPerplexityTooLargeForItsPointsIsRefusedBeforeTraining() throws {
        let scratch = try Scratch()
        try scratch.write(
            "tsne.yaml",
            EvaluationPolicyTests.tinySpec(
                data: ", validation: 0", train: "epochs: 1, batch_size: 8",
                outputs: "outputs: [tsne: {points: 10, perplexity: 1000}]\n"))
        let outcome = try RunexpBinary.run(["check", "tsne.yaml"], in: scratch.url)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("tsne.yaml:"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("needs more than 3000 points"), "\(outcome.stderr)")
    }

    @Test func aTSNEMapOfMorePointsThanItsSplitHoldsIsRefusedBeforeTraining() throws {
        let scratch = try Scratch()
        try scratch.write(
            "tsne.yaml",
            EvaluationPolicyTests.tinySpec(
                data: ", validation: 0", train: "epochs: 1, batch_size: 8",
                outputs: "outputs: [tsne: {points: 100, perplexity: 30}]\n"))
        let outcome = try RunexpBinary.run(["check", "tsne.yaml"], in: scratch.url)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("needs more than 90 points, but the train split gives 60"), "\(outcome.stderr)")
    }
}
