import Testing

@testable import Spec

/// Numbers in a spec are decimal, and every decimal form a spec may hold survives resolved.yaml.
/// (The long fuzz found `low: -0x7fffffff`: Swift's Double(_:) read it, the resolved spec wrote it
/// quoted, and the resolved spec no longer loaded.)
struct DecimalNumberTests {
    static func spec(low: String) -> String {
        """
        data: {source: mnist, shape: [784]}
        prior: {uniform: {dim: 4, low: \(low), high: 2}}
        networks:
          encoder: {layers: [dense: 4]}
          decoder: {layers: [dense: 784]}
        phases:
          - {name: r, loss: "mse(decoder(encoder(x)), x) + mse(encoder(x), z)", update: [encoder, decoder]}
        """
    }

    @Test(arguments: ["-0x7fffffff", "0x1p3", "1e", "--1", "1.2.3", "½"])
    func aNumberThatIsNotDecimalIsRefusedWithItsPlace(_ text: String) {
        let result = SpecLoader.load(text: Self.spec(low: text), file: "n.yaml")
        guard case .failure(let problems) = result else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(
            problems.diagnostics.first?.description
                == "n.yaml:2:32: error: prior.uniform.low must be a decimal number such as 0.5 or 1.0e-3; found '\(text)'"
        )
    }

    @Test(arguments: ["-1E+5", "-1_000", "-1.5e-3", "+1", ".5", "-0", "-7.", "1e-400"])
    func everyDecimalFormReadsBackFromTheResolvedSpec(_ text: String) throws {
        let spec = try SpecLoader.load(text: Self.spec(low: text), file: "n.yaml").get()
        for showOrigins in [false, true] {
            let resolved = ResolvedWriter(showOrigins: showOrigins).write(spec.resolved)
            let again = try SpecLoader.load(text: resolved, file: "resolved.yaml").get()
            #expect(again.prior == spec.prior, "\(text) in:\n\(resolved)")
        }
    }

    @Test func infinityIsStillCalledNotFinite() {
        let result = SpecLoader.load(text: Self.spec(low: "-1e400"), file: "n.yaml")
        #expect(
            (try? result.get()) == nil
                && "\(result)".contains("prior.uniform.low must be a finite number; found '-1e400'"))
    }
}
