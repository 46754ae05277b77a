import Testing

@testable import Graph
@testable import Spec

/// A spec's problems are all reported in one pass: a problem in one network, phase or section
/// hides none in another, and causes none of its own in what depends on it.
struct EveryProblemAtOnceTests {
    /// Every problem of `text` as `check` finds them without reading data: decoding, then the
    /// shapes of what decoded, or of the whole spec when it decoded.
    func problems(_ text: String) -> [String] {
        switch SpecLoader.load(text: text, file: "s.yaml") {
        case .success(let spec):
            guard case .failure(let problems) = ShapeInference.run(spec) else { return [] }
            return problems.diagnostics.map(\.description)
        case .failure(let problems):
            let shapes = problems.losses.map(ShapeInference.problemsOfWhatDecoded) ?? []
            return problems.adding(shapes).diagnostics.map(\.description)
        }
    }

    /// The shape-inference suite's AAE, with plots.
    let base = ShapeInferenceTests().base + "\noutputs: [curves]"

    let reshapeProblem =
        "s.yaml:7:27: error: network 'decoder', layer 1 (reshape 14×14×9): cannot reshape 1568 values into 14×14×9 (1764 values)"

    func edited(_ edits: [(String, String)]) -> String {
        edits.reduce(base) { text, edit in
            #expect(text.contains(edit.0), "the edit '\(edit.0)' does not apply")
            return text.replacingOccurrences(of: edit.0, with: edit.1)
        }
    }

    @Test func aShapeErrorInOneNetworkIsReportedBesideAKeyErrorInAnother() {
        let found = problems(
            edited([("{filters: 8,", "{filtrs: 8,"), ("reshape: [14, 14, 8]", "reshape: [14, 14, 9]")]))
        #expect(
            found == [
                "s.yaml:5:22: error: layer 'conv2d' of network 'encoder' is missing the required key 'filters'",
                "s.yaml:5:23: error: unknown key 'filtrs' in layer 'conv2d' of network 'encoder'; did you mean 'filters'?",
                reshapeProblem,
            ])
    }

    @Test func aShapeErrorIsReportedBesideAnUnknownOptimizer() {
        let found = problems(
            edited([
                ("update: [critic]}", "update: [critic], optimizer: adma}"),
                ("reshape: [14, 14, 8]", "reshape: [14, 14, 9]"),
            ]))
        #expect(found == [reshapeProblem, "s.yaml:12:119: error: unknown optimizer 'adma'; did you mean 'adam'?"])
    }

    @Test func theLayersOfANetworkAfterOneThatDoesNotFitAreStillChecked() {
        let found = problems(edited([("relu, flatten, dense: 16]", "relu, dense: 16]"), ("14, 14, 8]", "14, 14, 9]")]))
        #expect(
            found == [
                "s.yaml:5:76: error: network 'encoder', layer 2 (dense 16): dense needs a flat input; found 14×14×8 (add `flatten` before it)",
                reshapeProblem,
            ])
    }

    @Test func aNetworkThatDidNotDecodeCausesNoProblemWhereALossUsesIt() {
        let found = problems(edited([("  encoder:\n", "  encoder:\n    init: xavier\n")]))
        #expect(
            found == [
                "s.yaml:5:11: error: unknown initializer 'xavier'; expected one of: he_uniform, he_normal, xavier_uniform, xavier_normal"
            ])
    }

    @Test func aPriorThatDidNotDecodeCausesNoProblemWhereALossReadsZ() {
        let found = problems(edited([("dim: 16", "dimm: 16")]))
        #expect(
            found == [
                "s.yaml:2:17: error: prior 'normal' is missing the required key 'dim'",
                "s.yaml:2:18: error: unknown key 'dimm' in prior 'normal'; did you mean 'dim'?",
            ])
    }
}
