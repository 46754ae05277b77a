import Testing

@testable import Graph
@testable import Spec

/// The one resolved form of a phase's loss: what every reader of a loss (check, the planner, the
/// evaluator, the outputs) gets.
struct ResolvedLossTests {
    let spec = """
        data: {source: mnist, shape: [784]}
        prior: {normal: {dim: 4}}
        networks:
          encoder: {layers: [dense: 8, relu, dense: 4]}
          decoder: {layers: [dense: 8, relu, dense: 784, sigmoid]}
          critic: {layers: [dense: 8, relu, dense: 1]}
        phases:
          - {name: reconstruction, loss: "0.5 * 2 * mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
          - {name: critic, loss: "bce_logits(critic(z), 1) + bce_logits(critic(encoder(x)), 0)", update: [critic]}
          - {name: generator, loss: "-bce_logits(critic(encoder(x)), 0)", update: [encoder]}
        """

    func resolve(_ text: String) -> Result<ModelSummary, SpecProblems> {
        SpecLoader.load(text: text, file: "s.yaml").flatMap { ShapeInference.run($0) }
    }

    func loss(_ phase: String, _ text: String? = nil) throws -> ResolvedLoss {
        try #require(try resolve(text ?? spec).get().phase(named: phase)).resolved
    }

    @Test func nodesComeInEvaluationOrderWithTheirShapes() throws {
        let loss = try loss("critic")
        #expect(loss.networks == ["critic", "encoder"])
        #expect(loss.lossTerms.count == 2)
        for (index, node) in loss.nodes.enumerated() {
            let reads = loss.inputs(of: index)
            #expect(reads.allSatisfy { $0 < index }, "node \(index) (\(node.text)) reads a later node")
        }
        let z = try #require(loss.nodes.firstIndex { $0.operation == .prior })
        #expect(loss.nodes[z].value == .batch([4]))
        #expect(loss.nodes[loss.root].value == .scalar)
    }

    @Test func arithmeticOfNumbersIsFoldedIntoOneConstant() throws {
        let loss = try loss("reconstruction")
        guard case .multiply(let factor, let term) = loss.nodes[loss.root].operation else {
            Issue.record("the root is \(loss.nodes[loss.root].operation)")
            return
        }
        #expect(loss.nodes[factor].operation == .constant(1))
        #expect(loss.lossTerms == [term])
    }

    @Test func chainsOverTheDataAreReadInnermostFirst() throws {
        let loss = try loss("reconstruction")
        guard case .loss(.mse, let prediction, let target) = loss.nodes[loss.lossTerms[0]].operation else {
            Issue.record("no mse term")
            return
        }
        #expect(loss.chainOverData(prediction) == ["encoder", "decoder"])
        #expect(loss.chainOverData(target) == [])
        #expect(loss.chainOverData(loss.root) == nil)
    }

    @Test func aValueDependsOnTrainedWeightsOnlyThroughANetworkThePhaseUpdates() throws {
        let critic = try loss("critic")
        let codes = try #require(
            critic.nodes.firstIndex { if case .network("encoder", _) = $0.operation { true } else { false } })
        #expect(critic.nodes[codes].dependencies == .init(networks: ["encoder"], trained: false))
        let judged = try #require(
            critic.nodes.firstIndex { if case .network("critic", codes) = $0.operation { true } else { false } })
        #expect(critic.nodes[judged].dependencies == .init(networks: ["encoder", "critic"], trained: true))
    }

    @Test func aCrossEntropyWhoseTargetATrainedNetworkComputesIsRefusedAtTheTarget() throws {
        let text = spec.replacingOccurrences(
            of: "bce_logits(critic(z), 1) + bce_logits(critic(encoder(x)), 0)",
            with: "bce_logits(critic(z), critic(encoder(x)))")
        guard case .failure(let problems) = resolve(text) else {
            Issue.record("a cross-entropy with a trained target was accepted")
            return
        }
        #expect(problems.diagnostics.count == 1)
        #expect(
            problems.diagnostics[0].message
                == "in the loss: the target of bce_logits must not depend on a network this phase trains (critic); "
                + "use a constant such as 1 or 0, or a batch no trained network computes")
        #expect(problems.description.hasPrefix("s.yaml:9:"))
    }
}
