import Foundation
import Testing

/// A source with a validation split of its own (the assignment's `MNIST_M.npy`) holds nothing out
/// of train: the resolved spec of its run says so rather than list `validation: 0.1` (issue 30,
/// item 11).
struct SourceValidationTests {
    /// A tiny autoencoder on the assignment's pickled sample (train, validation and test splits);
    /// `data` ends the data mapping.
    static func spec(data: String = "") -> String {
        let pickle = DataCommandTests.shared.appendingPathComponent("homework/MNIST_M_sample_p3.npy").path
        return """
            name: homework
            data: {source: {homework: \(pickle)}, shape: [2352]\(data)}
            networks:
              encoder: {layers: [dense: 8, relu, dense: 2]}
              decoder: {layers: [dense: 8, relu, dense: 2352, sigmoid]}
            phases:
              - {name: r, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
            train: {epochs: 1, batch_size: 8}
            """
    }

    /// The lines of the `data:` mapping of a resolved spec's text.
    static func dataLines(_ resolved: String) -> [Substring] {
        let lines = resolved.split(separator: "\n")
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "data:" }) else {
            return []
        }
        let indent = lines[start].prefix { $0 == " " }.count
        return Array(lines[(start + 1)...].prefix { $0.prefix { $0 == " " }.count > indent })
    }

    @Test func theResolvedSpecOfARunOnTheAssignmentFileHoldsNoValidationFraction() throws {
        let scratch = try Scratch()
        try scratch.write("homework.yaml", Self.spec())
        let outcome = try RunexpBinary.run(["homework.yaml", "--out", "run"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let resolved = try String(contentsOfFile: scratch.path("run/resolved.yaml"), encoding: .utf8)
        let data = Self.dataLines(resolved)
        #expect(data.contains { $0.contains("source: {homework:") }, "\(resolved)")
        #expect(!data.contains { $0.contains("validation") }, "\(data)")
    }

    @Test func aValidationFractionWrittenForTheAssignmentFileIsNotedAsUnused() throws {
        let scratch = try Scratch()
        try scratch.write("homework.yaml", Self.spec(data: ", validation: 0.2"))
        let outcome = try RunexpBinary.run(["check", "homework.yaml"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            outcome.stdout.contains(
                "data.validation is not used: the data file has a validation split of its own, which the run uses"),
            "\(outcome.stdout)")
        let start = try #require(outcome.stdout.range(of: "resolved spec")).lowerBound
        let resolved = String(outcome.stdout[start...])
        #expect(!Self.dataLines(resolved).contains { $0.contains("validation") }, "\(resolved)")
    }
}
