import Testing

@testable import Spec

struct SpecOverrideTests {
    let spec = """
        train: {epochs: 10}
        phases:
          - {name: reconstruction, loss: "mse(x, x)"}
          - {name: generator, loss: "mse(x, x)"}
        """

    func apply(_ argument: String) throws -> YAMLNode {
        let root = try YAMLReader(file: "s.yaml").read(spec).get()
        return try SpecOverride.parse(argument).flatMap { $0.apply(to: root) }.get()
    }

    @Test func replacesAMappingValueAndMarksItsOrigin() throws {
        let root = try apply("train.epochs=5")
        let epochs = try #require(root.entries?[0].value.entries?[0].value)
        #expect(epochs.scalarText == "5")
        #expect(epochs.origin == .argument("--set train.epochs=5"))
    }

    @Test func addsAMissingKey() throws {
        let root = try apply("train.batch_size=32")
        #expect(root.entries?[0].value.entries?.map(\.key) == ["epochs", "batch_size"])
    }

    @Test func reachesListItemsByPositionOrByName() throws {
        let byIndex = try apply("phases.1.loss=l1(x, x)")
        let byName = try apply("phases.generator.loss=l1(x, x)")
        let writer = ResolvedWriter(showOrigins: false)
        #expect(writer.write(byIndex) == writer.write(byName))
        #expect(byName.entries?[1].value.items?[1].entries?[1].value.scalarText == "l1(x, x)")
    }

    @Test func valuesAreYAMLSoListsWork() throws {
        let root = try apply("data.shape=[784]")
        #expect(root.entries?.last?.value.entries?[0].value.items?.count == 1)
    }

    @Test func anArgumentWithoutEqualsIsRefused() {
        guard case .failure(let problem) = SpecOverride.parse("train.epochs") else {
            Issue.record("accepted an override without a value")
            return
        }
        #expect(problem.description == "--set train.epochs: error: expected key=value, e.g. train.epochs=5")
    }

    @Test func aKeyUnderAScalarIsRefused() throws {
        let root = try YAMLReader(file: "s.yaml").read(spec).get()
        let result = try SpecOverride.parse("train.epochs.max=3").get().apply(to: root)
        guard case .failure(let problem) = result else {
            Issue.record("descended into a scalar")
            return
        }
        #expect(problem.message == "train.epochs is a single value; it has no key 'max'")
    }

    @Test func aKeyPathTooDeepForAnySpecIsRefusedWithAShortMessage() throws {
        let key = Array(repeating: "a", count: 20_000).joined(separator: ".")
        guard case .failure(let problem) = SpecOverride.parse(key + "=1") else {
            Issue.record("a 20,000-part key path was accepted")
            return
        }
        #expect(problem.message == "a key path of 20000 parts; a spec's keys are at most 64 deep")
        #expect(problem.origin.place.count <= 121)
    }
}
