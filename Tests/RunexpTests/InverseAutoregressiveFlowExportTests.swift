import Foundation
import Testing

/// `runexp export --pytorch` of a run with `iaf` flows, as a PyTorch user meets it: the checkpoint
/// loads strictly into the module's `InverseAutoregressiveFlow`s, and that class computes what
/// pythae's IAF computes (the reference numbers `InverseAutoregressiveFlowTests` holds runexp's
/// layer to).
struct InverseAutoregressiveFlowExportTests {
    static let spec = """
        name: iafrun
        seed: 1
        data: {source: {npy: \(ApplyCommandTests.sample)}, shape: [784], validation: 0}
        networks:
          encoder:
            layers: [dense: 16, relu, dense: 6]
            outputs: {mu: 3, logvar: 3}
          flow:
            layers: [iaf: [4, 4], iaf: [4, 4]]
            outputs: {code: 3, logdet: 1}
          decoder:
            layers: [dense: 16, relu, dense: 784]
        phases:
          - name: elbo
            loss: >-
              bce_logits(decoder(flow(concat(sample_normal(encoder(x).mu, encoder(x).logvar), 0)).code), x)
              - mean(flow(concat(sample_normal(encoder(x).mu, encoder(x).logvar), 0)).logdet)
            update: [encoder, flow, decoder]
        train: {epochs: 1, batch_size: 30}
        """

    /// Two blocks with the graph test's deterministic weights on two rows [z, 0], in PyTorch.
    static let script = """
        import math, iafrun
        model = iafrun.load()
        print(type(model.flow.layers[0]).__name__)
        sizes = [3, 4, 4, 6]
        flows = [iafrun.InverseAutoregressiveFlow(3, [4, 4]) for _ in range(2)]
        with torch.no_grad():
            for layer, flow in enumerate(flows):
                value = lambda t, e: 0.5 * math.sin(1.3 * e + 0.7 * t + 0.1 + 2.1 * layer)
                for l, linear in enumerate(flow.linears):
                    i, o = sizes[l], sizes[l + 1]
                    weight = [[value(2 * l, j * o + k) for k in range(o)] for j in range(i)]
                    linear.weight.copy_(torch.tensor(weight).t())
                    linear.bias.copy_(torch.tensor([value(2 * l + 1, k) for k in range(o)]))
            x = torch.tensor([[0.2, -0.4, 0.9, 0], [1.1, 0.3, -0.6, 0]])
            print(" ".join(str(v) for v in flows[1](flows[0](x)).flatten().tolist()))
        """

    @Test func theExportedFlowLoadsStrictlyAndComputesPythaesInverseAutoregressiveFlow() throws {
        let scratch = try Scratch()
        try scratch.write("iafrun.yaml", Self.spec)
        let run = try RunexpBinary.run(["iafrun.yaml", "--out", "run"], in: scratch.url)
        try #require(run.status == 0, "\(run.stderr)")
        let export = try RunexpBinary.run(["export", "run", "--pytorch"], in: scratch.url)
        #expect(export.status == 0, "\(export.stderr)")
        guard
            let printed = try ExportCommandTests().python(
                ExportCommandTests.torchPython, needing: "torch", Self.script, in: scratch)
        else { return }
        let lines = printed.split(separator: "\n")
        try #require(lines.count == 2, "\(printed)")
        #expect(lines[0] == "InverseAutoregressiveFlow")
        let values = lines[1].split(separator: " ").compactMap { Float($0) }
        let pythae: [Float] = [-0.291055, -0.626669, 1.47878, 0.044037, 0.245652, 0.202392, -0.808267, 0.094895]
        #expect(values.count == pythae.count)
        for (index, (theirs, reference)) in zip(values, pythae).enumerated() {
            #expect(abs(theirs - reference) < 1e-5, "value \(index): exported \(theirs), pythae \(reference)")
        }
    }
}
