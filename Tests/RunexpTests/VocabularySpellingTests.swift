import Foundation
import Spec
import Testing

/// Each name of the vocabulary is spelled once in the sources, in its definition: a metric's name
/// in `Metric.swift`, an output kind's nowhere but its enumeration's cases. A second spelling is
/// how two readers come to disagree.
struct VocabularySpellingTests {
    /// The quoted literals of every Swift file under Sources, by file (the fuzzer's seed
    /// dictionaries are inputs, not definitions, and are left out).
    static func literals() throws -> [(file: String, text: String)] {
        let sources = RunexpBinary.packageRoot.appendingPathComponent("Sources")
        let walker = FileManager.default.enumerator(atPath: sources.path)
        var files: [(String, String)] = []
        while let path = walker?.nextObject() as? String {
            guard path.hasSuffix(".swift"), !path.hasPrefix("Fuzzing/") else { continue }
            files.append((path, try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)))
        }
        return files
    }

    @Test func eachMetricNameIsSpelledOnlyInTheRegistry() throws {
        let files = try Self.literals()
        for metric in Metric.all where metric.split == nil {
            let spelled = files.filter { $0.text.contains("\"\(metric.name)\"") }.map(\.file)
            #expect(spelled == ["Spec/Metric.swift"], "\(metric.name) is spelled in \(spelled)")
        }
        for measure in Metric.Measure.allCases {
            for split in Split.allCases {
                let name = "\"\(split.name)_\(measure.rawValue)\""
                let spelled = files.filter { $0.text.contains(name) }.map(\.file)
                #expect(spelled.isEmpty, "\(name) is spelled in \(spelled)")
            }
        }
    }

    @Test func outputKindsAreSpelledOnlyAsTheirEnumerationsCases() throws {
        let files = try Self.literals()
        for kind in OutputSpec.Family.names {
            let spelled = files.filter { $0.text.contains("\"\(kind)\"") }.map(\.file)
            #expect(spelled.isEmpty, "\(kind) is spelled in \(spelled)")
        }
    }

    @Test func theSplitListAndItsFallbackAreWrittenOnlyInSplit() throws {
        let files = try Self.literals()
        for list in ["[\"train\", \"validation\", \"test\"]", "[\"test\", \"validation\", \"train\"]"] {
            let spelled = files.filter { $0.text.contains(list) && !$0.file.hasPrefix("Data/") }.map(\.file)
            #expect(spelled.isEmpty, "\(list) is spelled in \(spelled)")
        }
    }
}
