import Foundation
import Testing

/// Each broken spec under `Catalogue/` must be refused with exit code 2 and exactly the messages in
/// its `.expected` file: located at file:line:col, with the nearest valid name where there is one.
struct BrokenSpecCatalogueTests {
    static let folder = RunexpBinary.packageRoot.appendingPathComponent("Tests/RunexpTests/Catalogue")

    static var specs: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test func catalogueHoldsAtLeastTwentyBrokenSpecs() {
        #expect(Self.specs.count >= 20)
    }

    @Test(arguments: specs)
    func brokenSpecIsRefusedWithItsExactMessages(_ spec: String) throws {
        let expectedURL = Self.folder.appendingPathComponent(spec.replacingOccurrences(of: ".yaml", with: ".expected"))
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        let outcome = try RunexpBinary.run(["check", spec], in: Self.folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr == expected)
        #expect(outcome.stdout.isEmpty)
        #expect(!outcome.stderr.contains("Fatal error"))
    }

    @Test(arguments: specs)
    func aRunRefusesACatalogueSpecWithExactlyOneErrorPerLine(_ spec: String) throws {
        let outcome = try RunexpBinary.run([spec, "--dry-run"], in: Self.folder)
        #expect(outcome.status == 2)
        Self.expectOneErrorPerLine(outcome.stderr, spec)
    }

    /// Every line of a refusal but the count is one problem with exactly one `error:`, after its
    /// place when it has one.
    static func expectOneErrorPerLine(_ stderr: String, _ what: String) {
        let lines = stderr.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty, "\(what): nothing printed")
        for line in lines where !line.hasPrefix("note:") && !(line.contains(" error") && line.contains(" in ")) {
            #expect(
                line.components(separatedBy: "error:").count == 2,
                "\(what): '\(line)' does not carry exactly one error:")
        }
    }
}
