import Testing

@testable import Graph
@testable import Spec

/// The semi-supervised AAE's language: a prior of named parts (`z.digit`) and labels kept for
/// only some training images, read only by phases that train on them.
struct SemiSupervisedResolutionTests {
    let spec = """
        data: {source: mnist, shape: [784], labeled: 100}
        prior:
          parts:
            digit: {categorical: {classes: 10}}
            style: {normal: {dim: 4}}
        networks:
          encoder: {layers: [dense: 16, relu, dense: 14], outputs: {digit: 10, style: 4}}
          decoder: {layers: [dense: 16, relu, dense: 784, sigmoid]}
          digit_critic: {layers: [dense: 8, relu, dense: 1]}
          style_critic: {layers: [dense: 8, relu, dense: 1]}
        phases:
          - name: reconstruction
            loss: mse(decoder(concat(softmax(encoder(x).digit), encoder(x).style)), x)
            update: [encoder, decoder]
          - name: critics
            loss: bce_logits(digit_critic(z.digit), 1) + bce_logits(style_critic(z.style), 1) + bce_logits(style_critic(encoder(x).style), 0)
            update: [digit_critic, style_critic]
          - name: classification
            loss: cross_entropy(encoder(x).digit, y)
            update: [encoder]
            batches: labeled
        """

    func problems(_ text: String) -> String {
        guard let spec = try? SpecLoader.load(text: text, file: "s.yaml").get() else {
            if case .failure(let problems) = SpecLoader.load(text: text, file: "s.yaml") { return problems.description }
            return ""
        }
        if case .failure(let problems) = ShapeInference.run(spec) { return problems.description }
        return ""
    }

    @Test func eachPartOfThePriorIsASliceOfZWithItsOwnWidth() throws {
        let loaded = try SpecLoader.load(text: spec, file: "s.yaml").get()
        #expect(loaded.prior?.dimension == 14)
        #expect(loaded.prior?.parts.map(\.name) == ["digit", "style"])
        let model = try ShapeInference.run(loaded).get()
        #expect(model.network(named: "digit_critic")?.input == [10])
        #expect(model.network(named: "style_critic")?.input == [4])
        #expect(model.network(named: "decoder")?.input == [14])
    }

    @Test func anUnknownPartIsReportedWithTheNearestName() {
        let text = problems(
            spec.replacingOccurrences(of: "style_critic(z.style), 1)", with: "style_critic(z.styl), 1)"))
        #expect(text.contains("the prior has no part 'styl'"), "\(text)")
        #expect(text.contains("style"), "\(text)")
    }

    @Test func aPartOfAPriorWithoutPartsIsRefused() {
        let text = problems(
            spec.replacingOccurrences(
                of: "parts:\n    digit: {categorical: {classes: 10}}\n    style: {normal: {dim: 4}}",
                with: "normal: {dim: 14}"))
        #expect(text.contains("the prior has no named parts"), "\(text)")
    }

    @Test func labelsKeptForSomeImagesAreReadOnlyByAPhaseOnLabelledBatches() {
        #expect(problems(spec).isEmpty, "\(problems(spec))")
        let text = problems(spec.replacingOccurrences(of: "\n    batches: labeled", with: ""))
        #expect(
            text.contains(
                "y is known for only 100 training images (data.labeled); give phase 'classification' `batches: labeled`"
            ),
            "\(text)")
    }

    @Test func aPartsPriorCannotNestParts() {
        let text = problems(
            spec.replacingOccurrences(
                of: "style: {normal: {dim: 4}}", with: "style: {parts: {a: {normal: {dim: 4}}}}"))
        #expect(text.contains("unknown prior 'parts'"), "\(text)")
    }

    @Test func batchesIsAllOrLabeled() {
        let text = problems(spec.replacingOccurrences(of: "batches: labeled", with: "batches: labelled"))
        #expect(text.contains("unknown phases[2].batches 'labelled'"), "\(text)")
        #expect(text.contains("labeled"), "\(text)")
    }
}
