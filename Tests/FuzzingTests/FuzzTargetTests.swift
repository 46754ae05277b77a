import Data
import Foundation
import Fuzzing
import Testing

/// The fuzz targets as regular tests: a few thousand mutated inputs per reader on every test run
/// (`scripts/fuzz.sh` runs a million each), and the machinery checked so it cannot pass vacuously.
struct FuzzTargetTests {
    static let names = FuzzTargets.all.map(\.name)

    /// Inputs per target per test run; the spec target does the most work per input.
    static func budget(_ name: String) -> Int { name == "spec" ? 3000 : 6000 }

    /// The share of inputs a target must refuse: most, except for `sbatch`, whose mutated values
    /// mostly stay valid arguments (a refusal there is a control character or a malformed --time).
    static func refusedShare(_ name: String) -> Int { name == "sbatch" ? 10 : 2 }

    @Test(arguments: names)
    func mutatedInputsGiveOnlyValuesOrTheReadersOwnLocatedErrors(_ name: String) throws {
        let target = try #require(FuzzTargets.named(name))
        let report = FuzzCampaign(target: target, seed: 20_250_601, iterations: Self.budget(name)).run()
        #expect(report.inputs == Self.budget(name))
        for finding in report.unexpected.prefix(5) {
            Issue.record("\(name) iteration \(finding.iteration): \(finding.message)")
        }
        for finding in report.slow.prefix(5) {
            Issue.record("\(name) iteration \(finding.iteration) is a hang: \(finding.message)")
        }
        // Both sides are reached: the mutations are neither all harmless nor all fatal.
        #expect(report.accepted > 0, "\(report.summary)")
        #expect(report.refused > report.inputs / Self.refusedShare(name), "\(report.summary)")
    }

    @Test(arguments: names)
    func everySeedIsAcceptedByItsReader(_ name: String) throws {
        let target = try #require(FuzzTargets.named(name))
        #expect(target.seeds.count >= 2)
        for (index, seed) in target.seeds.enumerated() {
            #expect(target.run(seed) == .accepted, "seed \(index) of \(name)")
        }
    }

    @Test func anInputIsMadeAgainFromTheSeedAndIterationAlone() throws {
        let target = try #require(FuzzTargets.named("npy"))
        let campaign = FuzzCampaign(target: target, seed: 7, iterations: 0)
        #expect(campaign.input(41_234) == campaign.input(41_234))
        #expect(FuzzCampaign(target: target, seed: 8, iterations: 0).input(41_234) != campaign.input(41_234))
        var seen = Set<[UInt8]>()
        for iteration in 0..<200 { seen.insert(campaign.input(iteration)) }
        #expect(seen.count > 190)
    }

    @Test func mutationsChangeNearlyEveryInputAndStayWithinTheLengthLimit() throws {
        let target = try #require(FuzzTargets.named("pickle"))
        let mutator = target.mutator
        var changed = 0
        for iteration in 0..<1000 {
            var random = FuzzRandom(seed: 3, iteration: iteration)
            let input = mutator.input(&random)
            #expect(input.count <= target.maxLength)
            if !target.seeds.contains(input) { changed += 1 }
        }
        #expect(changed > 950)
    }

    @Test func anErrorTheReaderDoesNotPromiseIsAFinding() {
        struct Surprise: Error {}
        let target = FuzzTarget(
            name: "surprise", summary: "throws a foreign error on long inputs", seeds: [[1, 2, 3], [4, 5]],
            dictionary: [], maxLength: 64, isExpected: { $0 is SourceError },
            body: { bytes in
                if bytes.count > 3 { throw Surprise() }
                if bytes.count < 2 { throw SourceError("x", "short") }
            })
        let report = FuzzCampaign(target: target, seed: 1, iterations: 500).run()
        #expect(!report.unexpected.isEmpty)
        #expect(report.unexpected.allSatisfy { $0.input.count > 3 && $0.message.hasPrefix("Surprise") })
        #expect(report.refused > 0)
    }

    @Test func anInputSlowerThanTheLimitIsReportedAsAHang() {
        let target = FuzzTarget(
            name: "sleepy", summary: "sleeps on every input", seeds: [[0], [1]], dictionary: [], maxLength: 4,
            isExpected: { _ in true }, body: { _ in usleep(30_000) })
        var campaign = FuzzCampaign(target: target, seed: 1, iterations: 2)
        campaign.slowLimit = 0.01
        let report = campaign.run()
        #expect(report.slow.count == 2)
        #expect(report.slow.first?.message.contains("limit 0.01 s") == true)
        campaign.slowLimit = 1
        #expect(campaign.run().slow.isEmpty)
    }
}
