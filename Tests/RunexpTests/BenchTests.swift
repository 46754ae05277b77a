import Foundation
import Kernels
import Testing

@testable import Runner
@testable import Tools
@testable import RunFolder

/// `runexp bench`'s figures, ratios and target lines (timings themselves are never asserted).
struct BenchTests {
    static let figures = [
        Bench.Figure(key: "cnn_ae_train_img_s", value: 5000, unit: "img/s"),
        Bench.Figure(key: "cnn_ae_loop_overhead_pct", value: 8, unit: "%"),
        Bench.Figure(key: "aae_mlp_train_img_s", value: 1200, unit: "img/s"),
        Bench.Figure(key: "aae_mlp_loop_overhead_pct", value: 16, unit: "%"),
        Bench.Figure(key: "tsne_10k_s", value: 10, unit: "s"),
        Bench.Figure(key: "sgemm_gflops", value: 100, unit: "GFLOP/s"),
        Bench.Figure(key: "peak_rss_mb", value: 150, unit: "MB"),
    ]
    static let peer = ["cnn_ae_train_img_s": 2000.0, "aae_mlp_train_img_s": 1000, "sgemm_512x512x512_gflops": 80]

    @Test func jsonHoldsThePeerScriptsKeysAndRatios() throws {
        let text = BenchReport.json(Self.figures, Self.peer)
        guard case .object(let members)? = JSONReader.parse(text) else {
            Issue.record("not a JSON object: \(text)")
            return
        }
        for key in ["cnn_ae_train_img_s", "aae_mlp_train_img_s", "tsne_10k_s", "sgemm_gflops", "peak_rss_mb"] {
            #expect(members[key]?.numberValue != nil, "\(key) missing")
        }
        guard case .object(let ratios)? = members["ratios"] else {
            Issue.record("no ratios")
            return
        }
        #expect(ratios["cnn_ae_train_img_s"]?.numberValue == 2.5)
        #expect(ratios["sgemm_gflops"]?.numberValue == 1.25)  // the peer's best GEMM shape
    }

    static let goals = ["cnn_ae_train_img_s=2x", "aae_mlp_train_img_s=1.6x", "aae_mlp_loop_overhead_pct<10"]
        .compactMap(BenchGoal.init)

    @Test func goalLinesSayWhichGoalsThisRunMet() {
        let lines = BenchReport.targets(Self.figures, Self.peer, goals: Self.goals)
        #expect(lines.contains("cnn_ae_train_img_s=2x: 2.50× the peer — met"))
        #expect(lines.contains("aae_mlp_train_img_s=1.6x: 1.20× the peer — MISSED"))
        #expect(lines.contains("aae_mlp_loop_overhead_pct<10: 16.0 — MISSED"))
    }

    @Test func withBothModesMeasuredALineSaysWhatPortableDeterminismCosts() {
        let figures = Self.figures + [Bench.Figure(key: "cnn_ae_train_img_s_portable", value: 4500, unit: "img/s")]
        let lines = BenchReport.targets(figures, [:])
        #expect(lines.contains("cnn_ae in portable determinism: 0.90× fast determinism's throughput"))
        #expect(!lines.contains { $0.hasPrefix("aae_mlp in portable") })
    }

    @Test func aGoalIsALeadOverThePeerOrABoundOnTheFigure() {
        #expect(BenchGoal("cnn_ae_train_img_s=2x")?.bound == .lead(2))
        #expect(BenchGoal("peak_rss_mb<400")?.bound == .below(400))
        #expect(BenchGoal("sgemm_gflops>150")?.bound == .above(150))
        #expect(BenchGoal("cnn_ae_train_img_s=fast") == nil)
        #expect(BenchGoal("=2x") == nil)
    }

    @Test func withoutGoalsOrThePeerNoGoalIsJudged() {
        let lines = BenchReport.targets(Self.figures, [:])
        #expect(lines.isEmpty)
        let unmeasured = BenchReport.targets(Self.figures, [:], goals: Self.goals)
        #expect(unmeasured.first == "cnn_ae_train_img_s=2x: the peer did not run")
    }

    @Test func benchsDeterminismIsOneModeOrBothWithFastFirst() throws {
        let outcome = try RunexpBinary.run(["bench", "--determinism", "slow"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("slow"))
    }

    @Test func roundsAreSummarizedByTheirMedian() {
        #expect(Bench.median([3, 1, 2]) == 2)
        #expect(Bench.median([4, 1, 3, 2]) == 2.5)
        #expect(Bench.median([7]) == 7)
    }

    @Test func aThroughputMeasurementSplitsTheStepIntoSharesOfAtMostTheWhole() throws {
        let path = RunexpBinary.packageRoot.appendingPathComponent("experiments/aae_mlp.yaml").path
        let training = try Bench.trainingThroughput(
            path, seconds: 0.05, context: ExecutionContext(library: .openBLAS, threads: blasThreadCount()))
        #expect(training.imagesPerSecond > 0)
        #expect(training.gemmPercent > 0 && training.gemmPercent <= 100)
        #expect(training.optimizerPercent > 0 && training.optimizerPercent <= training.overheadPercent)
        #expect(abs(training.gemmPercent + training.convolutionPercent + training.overheadPercent - 100) < 1e-9)
    }

    @Test func theSharedPeerMeasuresTheTwoSeedExperimentsAndEachOtherHasItsTrainingPeerAtItsBatch() throws {
        let folder = RunexpBinary.packageRoot.appendingPathComponent("experiments").path
        let peers = try Bench.peers(
            for: ["cnn_ae", "cifar_ae", "aae_mlp"], folder: folder, python: "python3", sharedScript: "torch_ref.py",
            peersFolder: "scripts/peers")
        #expect(peers.map(\.script) == ["torch_ref.py", "scripts/peers/cifar_ae.py"])
        #expect(peers[0].experiments == ["cnn_ae", "aae_mlp"] && peers[0].arguments.isEmpty)
        #expect(peers[1].experiments == ["cifar_ae"])
        #expect(peers[1].arguments == ["--bench", "--batch-size", "12"])
    }

    @Test func anyExperimentsThroughputIsALeadWhenHigherAndPortableCostIsSaidForIt() {
        let figures = [
            Bench.Figure(key: "cifar_ae_train_img_s", value: 10, unit: "img/s"),
            Bench.Figure(key: "cifar_ae_train_img_s_portable", value: 8, unit: "img/s"),
        ]
        let lines = BenchReport.targets(
            figures, ["cifar_ae_train_img_s": 4], goals: [BenchGoal("cifar_ae_train_img_s=2x")!])
        #expect(lines.contains("cifar_ae_train_img_s=2x: 2.50× the peer — met"))
        #expect(lines.contains("cifar_ae in portable determinism: 0.80× fast determinism's throughput"))
    }
}
