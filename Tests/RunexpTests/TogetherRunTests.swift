import Foundation
import Testing

/// `train.updates: together`: every phase of a step reads the weights and the draw of `z` the
/// step started with, so a later phase's loss is the one it would have had if it had run first.
struct TogetherRunTests {
    static func spec(order: [String], updates: String) -> String {
        let phases = [
            "generator": """
              - name: generator
                loss: bce(discriminator(decoder(z)), 1)
                update: [decoder]
            """,
            "discriminator": """
              - name: discriminator
                loss: bce(discriminator(x), 1) + bce(discriminator(decoder(z)), 0)
                update: [discriminator]
            """,
        ]
        return """
            name: together
            data: {source: mnist, shape: [784], train_limit: 40, validation: 0.25}
            prior: {normal: {dim: 4}}
            networks:
              decoder: {layers: [dense: 16, relu, dense: 784, sigmoid]}
              discriminator: {layers: [dense: 8, relu, dense: 1, sigmoid]}
            phases:
            \(order.compactMap { phases[$0] }.joined(separator: "\n"))
            train: {epochs: 1, batch_size: 10, log_every: 1, updates: \(updates)}
            outputs: [curves]

            """
    }

    /// Each phase's loss at the first step of a run of `spec`, after `check` accepted it.
    func firstStepLosses(_ spec: String) throws -> [String: Double] {
        let scratch = try Scratch()
        try scratch.write("t.yaml", spec)
        let check = try RunexpBinary.run(["check", "t.yaml"], in: scratch.url)
        #expect(check.status == 0, "\(check.stderr)")
        let outcome = try RunexpBinary.run(["t.yaml", "--out", "run"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let text = try String(contentsOf: scratch.url.appendingPathComponent("run/metrics.jsonl"), encoding: .utf8)
        let first = try #require(
            text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            .first { $0["kind"] as? String == "step" })
        return try #require(first["losses"] as? [String: Double])
    }

    @Test func aLaterPhaseReadsTheStepsWeightsAndDrawAsIfItRanFirst() throws {
        let together = try firstStepLosses(Self.spec(order: ["generator", "discriminator"], updates: "together"))
        let inTurn = try firstStepLosses(Self.spec(order: ["generator", "discriminator"], updates: "in_turn"))
        let discriminatorFirst = try firstStepLosses(
            Self.spec(order: ["discriminator", "generator"], updates: "in_turn"))
        #expect(together["discriminator"] == discriminatorFirst["discriminator"])
        #expect(together["generator"] == inTurn["generator"])
        #expect(together["discriminator"] != inTurn["discriminator"])
    }
}
