import Data
import Foundation
import Testing

/// `residual: [layers…]` the way a user meets it: `check` and a run agree on a spec with blocks
/// (and on one whose block changes the shape), the run's checkpoint holds the blocks' tensors under
/// their places and `apply` reads them back, and `runexp export --pytorch` writes modules that load
/// strictly into PyTorch and compute what the run computes.
struct ResidualRunTests {
    static let spec = """
        name: blockrun
        seed: 1
        data: {source: {npy: \(ApplyCommandTests.sample)}, shape: [28, 28, 1], validation: 0}
        networks:
          encoder:
            layers:
              - conv2d: {filters: 4, kernel: 4, stride: 2, padding: 1}
              - residual: [relu, conv2d: {filters: 2, kernel: 3, padding: 1}, relu, conv2d: {filters: 4, kernel: 1}]
              - flatten
              - dense: 8
              - residual: [relu, dense: 8]
          decoder:
            layers:
              - dense: 784
              - reshape: [28, 28, 1]
              - residual: [conv2d: 3, batch_norm, relu, conv2d: 1]
              - sigmoid
        phases:
          - name: r
            loss: mse(decoder(encoder(x)), x)
            update: [encoder, decoder]
            optimizer: {adam: {lr: 0.01}}
        train: {epochs: 1, batch_size: 8}
        """

    @Test func checkAndARunStoppedBeforeItsFirstStepAgreeOnBlocks() throws {
        let scratch = try Scratch()
        try scratch.write("blockrun.yaml", Self.spec)
        try scratch.write(
            "widened.yaml", Self.spec.replacingOccurrences(of: "conv2d: {filters: 4, kernel: 1}", with: "conv2d: 5"))
        let agreement = CheckAgreementTests()
        try agreement.expectAgreement("blockrun.yaml", in: scratch.url)
        try agreement.expectAgreement("widened.yaml", in: scratch.url)
        let refused = try RunexpBinary.run(["check", "widened.yaml"], in: scratch.url)
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains(
                "widened.yaml:8:9: error: network 'encoder', layer 1 (residual[relu, conv2d 2 k3 s1 1, relu, "
                    + "conv2d 5 k3 s1 same]): the block's layers give 14×14×5, but their output is added to the "
                    + "block's input of 14×14×4"), "\(refused.stderr)")
    }

    @Test func aKeyPathReachesALayerInsideABlock() throws {
        let scratch = try Scratch()
        try scratch.write("blockrun.yaml", Self.spec)
        let narrowed = try RunexpBinary.run(
            ["check", "blockrun.yaml", "--set", "networks.encoder.layers.1.residual.1.conv2d.filters=3"],
            in: scratch.url)
        #expect(narrowed.status == 0, "\(narrowed.stderr)")
        #expect(narrowed.stdout.contains("residual[relu, conv2d 3 k3 s1 1, relu, conv2d 4 k1 s1 same]"))
        let widened = try RunexpBinary.run(
            ["check", "blockrun.yaml", "--set", "networks.encoder.layers.1.residual.3.conv2d.filters=5"],
            in: scratch.url)
        #expect(widened.status == 2)
        #expect(widened.stderr.contains("the block's layers give 14×14×5"), "\(widened.stderr)")
    }

    @Test func theCheckpointNamesTheBlocksTensorsAndTheExportComputesWhatTheRunComputes() throws {
        let scratch = try Scratch()
        try scratch.write("blockrun.yaml", Self.spec)
        let run = try RunexpBinary.run(["blockrun.yaml", "--out", "run"], in: scratch.url)
        try #require(run.status == 0, "\(run.stderr)")
        let names = try SafeTensors.read(path: scratch.path("run/checkpoint/parameters.safetensors")).tensors.map(
            \.name)
        for name in [
            "encoder.layers.0.weight", "encoder.layers.1.1.weight", "encoder.layers.1.3.bias", "encoder.layers.3.bias",
            "encoder.layers.4.1.weight", "decoder.layers.2.1.running_var", "decoder.layers.2.1.num_batches_tracked",
        ] {
            #expect(names.contains(name), "\(name) missing from \(names)")
        }
        let exports = ExportCommandTests()
        let export = try exports.applyAndExport(scratch)
        #expect(export.status == 0, "\(export.stderr)")
        guard
            let printed = try exports.torchForward(
                module: "blockrun",
                printing: """
                    print(sum(type(m).__name__ == "Residual" for m in [*model.encoder.layers, *model.decoder.layers]))
                    """, in: scratch)
        else { return }
        #expect(printed == "3\n")
        let difference = try exports.largestDifference(scratch)
        #expect(difference < 1e-5, "torch: \(difference)")
    }
}
