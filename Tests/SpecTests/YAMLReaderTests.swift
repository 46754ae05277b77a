import Testing

@testable import Spec

struct YAMLReaderTests {
    func read(_ text: String) throws -> YAMLNode {
        try YAMLReader(file: "t.yaml").read(text).get()
    }

    @Test func everyNodeKeepsItsLineAndColumn() throws {
        let root = try read("a: 1\nb:\n  - x\n  - {c: 2}\n")
        let b = try #require(root.entries?[1])
        #expect(b.keyOrigin == .file(SourceLocation(file: "t.yaml", line: 2, column: 1)))
        let items = try #require(b.value.items)
        #expect(items[0].origin == .file(SourceLocation(file: "t.yaml", line: 3, column: 5)))
        let c = try #require(items[1].entries?.first)
        #expect(c.value.origin == .file(SourceLocation(file: "t.yaml", line: 4, column: 9)))
    }

    @Test func quotedScalarsAreMarkedSoTheyStayText() throws {
        let root = try read("a: \"5\"\nb: 5\n")
        #expect(root.entries?[0].value.isQuoted == true)
        #expect(root.entries?[1].value.isQuoted == false)
    }

    @Test func aliasesExpandToTheAnchoredValue() throws {
        let root = try read("a: &s [1, 2]\nb: *s\n")
        #expect(root.entries?[1].value.items?.compactMap(\.scalarText) == ["1", "2"])
    }

    @Test func exponentialAliasesAreRefusedNotExpanded() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            text +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        guard case .failure(let problem) = YAMLReader(file: "t.yaml").read(text) else {
            Issue.record("a billion-laughs document was accepted")
            return
        }
        #expect(problem.message.contains("aliases expand past"))
    }

    @Test func deepNestingIsRefused() {
        let text = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        guard case .failure(let problem) = YAMLReader(file: "t.yaml").read(text) else {
            Issue.record("1000 nested lists were accepted")
            return
        }
        #expect(problem.message.contains("nesting deeper than"))
    }

    @Test func aSecondDocumentIsRefused() {
        guard case .failure(let problem) = YAMLReader(file: "t.yaml").read("a: 1\n---\nb: 2\n") else {
            Issue.record("two documents were accepted")
            return
        }
        #expect(problem.description == "t.yaml:2:1: error: a spec holds one YAML document; found a second one here")
    }

    @Test func syntaxErrorsCarryLibyamlsPlace() {
        guard case .failure(let problem) = YAMLReader(file: "t.yaml").read("a: [1, 2\nb: 3\n") else {
            Issue.record("an unclosed list was accepted")
            return
        }
        #expect(problem.description.hasPrefix("t.yaml:2:"))
        #expect(problem.message.contains("flow sequence"))
    }

    @Test func longFlatListsReadInLinearTime() throws {
        let text = "a: [" + Array(repeating: "1", count: 150_000).joined(separator: ",") + "]\n"
        let root = try read(text)
        #expect(root.entries?[0].value.items?.count == 150_000)
    }
}
