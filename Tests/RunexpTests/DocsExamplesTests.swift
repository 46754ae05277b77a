import Foundation
import Graph
import Spec
import Testing

/// The YAML examples in docs/spec.md are real: complete specs pass every check, fragments parse.
struct DocsExamplesTests {
    static var examples: [String] {
        let url = RunexpBinary.packageRoot.appendingPathComponent("docs/spec.md")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var blocks: [String] = [], current: [String]?
        for line in text.components(separatedBy: "\n") {
            if current == nil, line == "```yaml" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks
    }

    @Test func theDocsHaveExamples() {
        #expect(Self.examples.count >= 8)
    }

    @Test(arguments: examples)
    func exampleIsValid(_ yaml: String) throws {
        if yaml.contains("phases:") && yaml.contains("networks:") {
            let spec = try SpecLoader.load(text: yaml, file: "docs/spec.md").get()
            _ = try ShapeInference.run(spec).get()
        } else {
            _ = try YAMLReader(file: "docs/spec.md").read(yaml).get()
        }
    }
}
