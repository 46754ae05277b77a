import Foundation
import Testing

@testable import Study

/// Which runs `compare` puts side by side, and the keys that name their groups.
struct ComparisonGroupingTests {
    @Test func aKeyThatChangesOnlyWithAnotherIsNotListed() {
        let together: [[String: String]] = [
            ["opt.adam.lr": "0.1", "opt.sgd.lr": "(x)"], ["opt.sgd.lr": "0.1"],
            ["opt.adam.lr": "0.1", "opt.sgd.lr": "(x)"],
        ]
        #expect(Comparison.distinguishing(["opt.adam.lr", "opt.sgd.lr"], together) == ["opt.adam.lr"])
        let crossed: [[String: String]] = [["a": "1", "b": "x"], ["a": "1", "b": "y"], ["a": "2", "b": "x"]]
        #expect(Comparison.distinguishing(["a", "b"], crossed) == ["a", "b"])
    }

    @Test func runsOfAnotherSpecOrDataAreSetApartWithTheReason() {
        func run(_ name: String, _ source: String, _ folder: String) -> (folder: URL, values: [(String, String)]) {
            (URL(fileURLWithPath: folder), [("name", name), ("data.source", source), ("train.epochs", "1")])
        }
        let (kept, apart) = Comparison.family([
            run("ae", "mnist", "/a"), run("ae", "mnist-m", "/b"), run("ae", "mnist", "/c"), run("vae", "mnist", "/d"),
        ])
        #expect(kept.map(\.folder.path) == ["/a", "/c"])
        #expect(apart.map(\.folder.path) == ["/b", "/d"])
        #expect(
            apart.map(\.reason) == ["other data (data.source mnist-m, not mnist)", "another spec (name vae, not ae)"])
    }
}
