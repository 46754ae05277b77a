import Foundation
import Testing

/// What runexp prints to standard output escapes control characters as standard error does: a
/// grid value or a spec value holding ESC or BEL (written `\e` and `\a` in YAML) is shown as
/// `\u{1B}` and `\u{07}` by `compare` and `diff`, where it used to recolour the terminal and ring it.
struct ControlCharacterOutputTests {
    static let spec = """
        name: tiny
        data: {source: {npy: d.npy}, shape: [784]}
        networks:
          encoder: {layers: [dense: 8, relu, dense: 4]}
          decoder: {layers: [dense: 784, sigmoid]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
        train: {epochs: 1, batch_size: 20}
        outputs: [curves]
        """

    static let value = #"description="a\e[31mred\a""#
    static let shown = #"a\u{1B}[31mred\u{07}"#

    static func workspace() throws -> Scratch {
        let scratch = try Scratch()
        try scratch.writeImages(count: 40)
        try scratch.write("tiny.yaml", spec + "\n")
        return scratch
    }

    static func expectEscaped(_ outcome: RunexpBinary.Outcome, _ command: String) {
        #expect(outcome.stdout.contains(shown), "\(command): \(outcome.stdout)")
        #expect(!outcome.stdout.contains("\u{1B}") && !outcome.stdout.contains("\u{07}"), "\(command) printed them raw")
    }

    @Test func compareShowsAGridValueHoldingControlCharactersEscaped() throws {
        let scratch = try Self.workspace()
        let sweep = try RunexpBinary.run(
            ["sweep", "tiny.yaml", "--grid", Self.value + ",b", "--out", "study"], in: scratch.url)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        let compared = try RunexpBinary.run(["compare", "study"], in: scratch.url)
        #expect(compared.status == 0, "\(compared.stderr)")
        Self.expectEscaped(compared, "compare")
    }

    @Test func diffShowsASpecValueHoldingControlCharactersEscaped() throws {
        let scratch = try Self.workspace()
        for (out, overrides) in [("a", ["--set", Self.value]), ("b", [])] {
            let run = try RunexpBinary.run(["tiny.yaml", "--out", out] + overrides, in: scratch.url)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let diff = try RunexpBinary.run(["diff", "a", "b"], in: scratch.url)
        #expect(diff.status == 1, "\(diff.stderr)")
        Self.expectEscaped(diff, "diff")
    }
}
