import Foundation
import Testing

/// A run of a phase with `when:` counts, per epoch, the updates its condition held back, so that
/// a user sees how often each network was trained.
struct UpdateConditionRunTests {
    static func spec(discriminatorWhen: String) -> String {
        """
        name: gated
        data: {source: mnist, shape: [784], train_limit: 40, validation: 0.25}
        prior: {normal: {dim: 4}}
        networks:
          decoder: {layers: [dense: 16, relu, dense: 784, sigmoid]}
          discriminator: {layers: [dense: 8, relu, dense: 1, sigmoid]}
        phases:
          - name: generator
            loss: bce(discriminator(decoder(z)), 1)
            update: [decoder]
          - name: discriminator
            loss: bce(discriminator(x), 1) + bce(discriminator(decoder(z)), 0)
            update: [discriminator]
            when: \(discriminatorWhen)
        train: {epochs: 2, batch_size: 10}
        outputs: [curves]

        """
    }

    /// The epoch records' `skipped_updates` of a run of `spec`, after `check` accepted it.
    func skipped(_ spec: String) throws -> [[String: Int]] {
        let scratch = try Scratch()
        try scratch.write("g.yaml", spec)
        let check = try RunexpBinary.run(["check", "g.yaml"], in: scratch.url)
        #expect(check.status == 0, "\(check.stderr)")
        let outcome = try RunexpBinary.run(["g.yaml", "--out", "run"], in: scratch.url)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let text = try String(contentsOf: scratch.url.appendingPathComponent("run/metrics.jsonl"), encoding: .utf8)
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        .filter { $0["kind"] as? String == "epoch" }
        .map { ($0["skipped_updates"] as? [String: Int]) ?? [:] }
    }

    @Test func eachEpochRecordCountsTheUpdatesTheConditionHeldBack() throws {
        // 30 training images in batches of 10: 3 steps an epoch.
        #expect(
            try skipped(Self.spec(discriminatorWhen: "bce(discriminator(x), 1) < 0")) == [
                ["discriminator": 3], ["discriminator": 3],
            ])
        #expect(
            try skipped(Self.spec(discriminatorWhen: "bce(discriminator(x), 1) >= 0")) == [
                ["discriminator": 0], ["discriminator": 0],
            ])
    }
}
