import Foundation
import Testing

/// The committed specs of pythae's models (`experiments/family_*.yaml`, each trained beside
/// `scripts/peers/pythae_family.py`): each is a few lines that `check` accepts and a run stopped
/// before its first step accepts alike, and each has the replay reference CI compares with.
struct PythaeFamilySpecTests {
    /// The file names of every `experiments/family_*.yaml`, sorted.
    static let specs: [String] = {
        let folder = RunexpBinary.packageRoot.appendingPathComponent("experiments")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("family_") && $0.hasSuffix(".yaml") }.sorted()
    }()

    /// The most lines a model's spec may take (issue 31: "each model's spec is under 40 lines").
    static let lineLimit = 39

    @Test func theFamilyHasCommittedSpecs() {
        #expect(Self.specs.count >= 6, "experiments/family_*.yaml: \(Self.specs)")
    }

    @Test(arguments: specs)
    func checkAcceptsTheSpecAndItIsUnderFortyLines(_ spec: String) throws {
        let path = "experiments/\(spec)"
        let text = try String(contentsOf: RunexpBinary.packageRoot.appendingPathComponent(path), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - (text.hasSuffix("\n") ? 1 : 0)
        #expect(lines <= Self.lineLimit, "\(path) has \(lines) lines")
        let outcome = try RunexpBinary.run(["check", path])
        #expect(outcome.status == 0, "\(path): \(outcome.stderr)")
        #expect(outcome.stdout.contains("\(path): valid"), "\(outcome.stdout)")
    }

    @Test(arguments: specs)
    func aRunStoppedBeforeItsFirstStepAcceptsTheSpecAsCheckDoes(_ spec: String) throws {
        let scratch = try Scratch()
        try FileManager.default.copyItem(
            at: RunexpBinary.packageRoot.appendingPathComponent("experiments/\(spec)"),
            to: scratch.url.appendingPathComponent(spec))
        try CheckAgreementTests().expectAgreement(spec, in: scratch.url)
    }

    @Test(arguments: specs)
    func theSpecHasAReplayReferenceNamedAfterIt(_ spec: String) throws {
        let name = String(spec.dropLast(".yaml".count))
        let results = RunexpBinary.packageRoot.appendingPathComponent("results/\(name)")
        for file in ["metrics.json", "reference.json", "resolved.yaml"] {
            #expect(
                FileManager.default.fileExists(atPath: results.appendingPathComponent(file).path),
                "results/\(name)/\(file) is missing: record it with `runexp replay --record experiments/\(spec)`")
        }
    }
}
