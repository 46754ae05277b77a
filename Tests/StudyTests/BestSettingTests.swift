import Foundation
import Testing

@testable import Study

/// The best setting of a summary is tested against the setting that comes next, not the next listed.
struct BestSettingTests {
    func folders(_ values: [Double], in root: URL, _ name: String) throws -> [URL] {
        try values.enumerated().map { index, value in
            let folder = root.appendingPathComponent("\(name)-\(index)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try "{\"test_mse\": \(value)}".write(
                to: folder.appendingPathComponent("metrics.json"), atomically: true, encoding: .utf8)
            return folder
        }
    }

    @Test func theVerdictComparesTheBestWithTheNextBestInPlainWords() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("best-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let samples: [(String, [Double])] = [
            ("a", [0.10, 0.11, 0.12]), ("c", [0.5, 0.6, 0.7]), ("b", [0.105, 0.116, 0.124]),
        ]
        let settings = try samples.map { name, values in
            (
                setting: Setting(values: [.init(key: "k", value: name)]), folders: try folders(values, in: root, name),
                incomplete: 0
            )
        }
        let summary = StudySummary.make(settings)
        let best = try #require(summary.best.first { $0.metric == "test_mse" })
        #expect(best.setting.label == "k=a")
        #expect(best.next?.label == "k=b")
        let test = try #require(WelchTest(samples[0].1, samples[2].1))
        #expect(test.p > 0.05)
        #expect(best.verdict == "not significant (p = \(String(format: "%.2g", test.p)))")
    }
}
