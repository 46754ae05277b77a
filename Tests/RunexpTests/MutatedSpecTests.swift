import Foundation
import Graph
import Kernels
import Runner
import Spec
import Testing

/// No input crashes `check`: randomly mutated copies of the committed specs either pass or produce
/// located diagnostics. (The long fuzz runs belong to the robustness work; this is the quick guard.)
struct MutatedSpecTests {
    static let fragments = [
        "[", "]", "{", "}", ":", ",", "-", " ", "\n", "\"", "'", "&a", "*a", "#", "0", "-1", "99999999999999999999",
        "1e308", "1 << 40", "dense", "reshape: [7, 7, 64]", "input: [65536, 65536, 65536]", "x", "z", "(", ")", "*",
        "+", "mse(", "\t", "~", "null", "!!binary", "%YAML 1.1", "---", "...", "\u{0}", "é", "conv2d_transpose",
    ]

    /// `text` with one to four random edits: a character removed, a fragment inserted, a run cut.
    static func mutate(_ text: String, _ random: inout RandomStream) -> String {
        var characters = Array(text)
        for _ in 0..<(1 + random.nextInt(below: 4)) {
            let at = random.nextInt(below: characters.count)
            switch random.nextInt(below: 3) {
            case 0: characters.remove(at: at)
            case 1: characters.insert(contentsOf: fragments[random.nextInt(below: fragments.count)], at: at)
            default:
                let length = min(random.nextInt(below: 20), characters.count - at)
                characters.removeSubrange(at..<(at + length))
            }
        }
        return String(characters)
    }

    @Test(arguments: ["experiments/cnn_ae.yaml", "experiments/aae_mlp.yaml"])
    func mutatedSpecsNeverCrashAndAlwaysExplainThemselves(_ path: String) throws {
        let text = try String(contentsOf: RunexpBinary.packageRoot.appendingPathComponent(path), encoding: .utf8)
        var random = RandomStream(seed: 1, name: "spec-mutations \(path)")
        var refused = 0
        for _ in 0..<300 {
            let result = SpecLoader.load(text: Self.mutate(text, &random), file: "m.yaml").flatMap {
                ShapeInference.run($0)
            }
            if case .failure(let problems) = result {
                refused += 1
                #expect(!problems.diagnostics.isEmpty)
                for diagnostic in problems.diagnostics {
                    #expect(
                        diagnostic.description.hasPrefix("m.yaml:") || diagnostic.description.hasPrefix("(default)"))
                }
            }
        }
        #expect(refused > 100)
    }
}
