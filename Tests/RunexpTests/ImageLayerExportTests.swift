import Foundation
import Testing

/// `runexp export --pytorch` of a run with `upsample`, `max_pool`, `avg_pool`, `group_norm` and
/// `layer_norm`: the module loads strictly into PyTorch's own layers (layer norm's γ and β as
/// [C, H, W]) and computes what the run computes on its channels-first images.
struct ImageLayerExportTests {
    static let spec = """
        name: poolrun
        seed: 1
        data: {source: {npy: \(ApplyCommandTests.sample)}, shape: [28, 28, 1], validation: 0}
        networks:
          encoder:
            layers: [conv2d: 3, max_pool: 2, conv2d: 4, group_norm: 2, avg_pool: {kernel: 3, stride: 2}, flatten, dense: 8]
          decoder:
            layers:
              - dense: 196
              - reshape: [7, 7, 4]
              - upsample: 2
              - conv2d: 3
              - layer_norm
              - upsample: {factor: 2, mode: bilinear}
              - conv2d: 1
              - sigmoid
        phases:
          - name: r
            loss: mse(decoder(encoder(x)), x)
            update: [encoder, decoder]
            optimizer: {adam: {lr: 0.01}}
        train: {epochs: 1, batch_size: 8}
        """

    @Test func theExportedModuleUsesPyTorchsOwnLayersAndComputesWhatTheRunComputes() throws {
        let scratch = try Scratch()
        try scratch.write("poolrun.yaml", Self.spec)
        let run = try RunexpBinary.run(["poolrun.yaml", "--out", "run"], in: scratch.url)
        try #require(run.status == 0, "\(run.stderr)")
        let exports = ExportCommandTests()
        let export = try exports.applyAndExport(scratch)
        #expect(export.status == 0, "\(export.stderr)")
        guard
            let printed = try exports.torchForward(
                module: "poolrun",
                printing: """
                    names = [type(m).__name__ for m in [*model.encoder.layers, *model.decoder.layers]]; \
                    print(" ".join(n for n in names if n in ("MaxPool2d", "AvgPool2d", "Upsample", "GroupNorm", "LayerNorm")))
                    """, in: scratch)
        else { return }
        #expect(printed == "MaxPool2d GroupNorm AvgPool2d Upsample LayerNorm Upsample\n")
        let difference = try exports.largestDifference(scratch)
        #expect(difference < 1e-5, "torch: \(difference)")
    }
}
