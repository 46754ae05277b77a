import Foundation
import Kernels
import Testing

/// Fast and portable determinism, run as a user runs them. A machine whose OpenBLAS picks another
/// kernel family is played by starting the binary with `OPENBLAS_CORETYPE` set.
struct DeterminismTests {
    /// A tiny dense autoencoder whose products are big enough for kernel families to round
    /// differently; a linear output keeps its evaluation quick in a debug build.
    static let spec = """
        name: tiny_dense
        data: {source: mnist, shape: [784], train_limit: 100}
        networks:
          encoder: {layers: [dense: 64, relu, dense: 8]}
          decoder: {layers: [dense: 64, relu, dense: 784]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
        train: {epochs: 1, batch_size: 50}
        outputs: [reconstructions: {count: 4}]
        replay: {epochs: 1}
        """

    func workspace() throws -> URL { try RunCommandTests.workspace(base: Self.spec) }

    /// Trains into `out` as on a machine whose OpenBLAS picks `core`, and returns run.json's facts.
    /// Fast mode runs oneDNN unless `products` says OpenBLAS (to compare OpenBLAS's families).
    func train(
        _ folder: URL, _ out: String, core: String, _ extra: [String] = [], products: String = "oneDNN",
        spec: String = "tiny.yaml"
    ) throws -> [String: Any] {
        let outcome = try RunexpBinary.run(
            [spec, "--out", out] + extra, in: folder,
            environment: ["OPENBLAS_CORETYPE": core, "RUNEXP_PRODUCTS": products])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let data = try Data(contentsOf: folder.appendingPathComponent("\(out)/run.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func digest(_ folder: URL, _ out: String) throws -> String {
        let data = try Data(contentsOf: folder.appendingPathComponent("\(out)/metrics.json"))
        let metrics = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try #require(metrics?["parameter_digest"] as? String)
    }

    @Test func aPortableReplayIsTheSameBitsUnderEveryCoreTypeThisCPURuns() throws {
        let folder = try workspace()
        let recorded = try RunexpBinary.run(["replay", "--record", "--results", "refs", "tiny.yaml"], in: folder)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let outcome = try RunexpBinary.run(
            ["replay", "--results", "refs", "tiny.yaml", "--core-types", "all"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stdout)\n\(outcome.stderr)")
        let runnable = BLASCore.known.filter { $0.runs() }
        #expect(runnable.count >= 2, "this CPU runs one kernel family only: nothing to compare")
        for core in runnable {
            #expect(outcome.stdout.contains("OpenBLAS picks \(core)"))
        }
        #expect(outcome.stdout.hasSuffix("replayed under \(runnable.count) core types: all match\n"))
    }

    @Test func fastRunsFollowTheKernelsSoAPortableReplayCouldFail() throws {
        // The test above means something only if the families round differently: in fast mode,
        // SSE3 and AVX2 kernels give other bits.
        let folder = try workspace()
        // Two threads in both, as portable mode has, so that only the kernels differ.
        _ = try train(folder, "sse3", core: "Prescott", ["--threads", "2"], products: "OpenBLAS")
        _ = try train(folder, "avx2", core: "Haswell", ["--threads", "2"], products: "OpenBLAS")
        #expect(try digest(folder, "sse3") != digest(folder, "avx2"))
        _ = try train(folder, "sse3-portable", core: "Prescott", ["--determinism", "portable"])
        #expect(try digest(folder, "sse3-portable") == digest(folder, "avx2"))
    }

    @Test func runJSONRecordsTheModeTheKernelsTheirInstructionsTheThreadsAndTheCPU() throws {
        let folder = try workspace()
        let fast = try train(folder, "fast", core: "Prescott", products: "OpenBLAS")
        #expect(fast["determinism"] as? String == "fast")
        #expect(fast["products"] as? String == "OpenBLAS")
        #expect(fast["blas_core"] as? String == "Prescott")  // the user's OPENBLAS_CORETYPE stands
        #expect(fast["instruction_set"] as? String == "SSE3")
        #expect(fast["cpu"] as? String == ProcessorDescription.current.model)
        let oneDNN = try train(folder, "onednn", core: "Prescott")
        #expect((oneDNN["products"] as? String)?.hasPrefix("oneDNN 2.") == true, "\(oneDNN["products"] ?? "none")")
        let portable = try train(folder, "portable", core: "Prescott", ["--determinism", "portable"])
        #expect(portable["determinism"] as? String == "portable")
        #expect(portable["blas_core"] as? String == "Haswell")
        #expect(portable["instruction_set"] as? String == "AVX2+FMA")
        #expect(portable["threads"] as? Int == 2)
        #expect(portable["products"] as? String == "OpenBLAS")
        let resolved = try String(contentsOf: folder.appendingPathComponent("portable/resolved.yaml"), encoding: .utf8)
        #expect(resolved.contains("determinism: portable"))
    }

    @Test func aMisspeltDeterminismIsRefusedAtTheOptionWithTheNearestName() throws {
        let folder = try workspace()
        let outcome = try RunexpBinary.run(["check", "tiny.yaml", "--determinism", "portabel"], in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("'--determinism <fast|portable>': unknown determinism 'portabel'"))
        #expect(outcome.stderr.contains("did you mean 'portable'?"))
    }

    @Test func diffSaysTheRunsUsedDifferentKernelsAndWhatToExpect() throws {
        let folder = try workspace()
        _ = try train(folder, "a", core: "Prescott", ["--threads", "2"], products: "OpenBLAS")
        _ = try train(folder, "b", core: "Haswell", ["--threads", "2"], products: "OpenBLAS")
        let outcome = try RunexpBinary.run(["diff", "a", "b"], in: folder)
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("blas_core"))
        #expect(
            outcome.stdout.hasSuffix(
                "different: the runs used different kernels (OpenBLAS Prescott, Haswell): relative differences of "
                    + "about 1e-3 in losses and MSE, and up to 2e-2 in t-SNE and k-NN accuracies, are expected\n"))
    }

    @Test func aPortableReplayWhoseParametersAreNotTheReferencesBitsMisses() throws {
        let folder = try workspace()
        _ = try RunexpBinary.run(["replay", "--record", "--results", "refs", "tiny.yaml"], in: folder)
        let metrics = folder.appendingPathComponent("refs/tiny_dense/metrics.json")
        let text = try String(contentsOf: metrics, encoding: .utf8)
        let digest = try #require(text.split(separator: "\"").drop { $0 != "parameter_digest" }.dropFirst(2).first)
        try text.replacingOccurrences(of: String(digest), with: "0000000000000000")
            .write(to: metrics, atomically: true, encoding: .utf8)
        let outcome = try RunexpBinary.run(["replay", "--results", "refs", "tiny.yaml"], in: folder)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("tiny.yaml: the parameters are not the reference's bits"))
        #expect(outcome.stderr.contains("the reference says 0000000000000000"))
    }

    @Test func aReplayOnOtherKernelsThanTheReferencesSaysWhatDifferencesToExpect() throws {
        let folder = try workspace()
        _ = try RunexpBinary.run(["replay", "--record", "--results", "refs", "tiny.yaml"], in: folder)
        let outcome = try RunexpBinary.run(
            ["replay", "--results", "refs", "tiny.yaml", "--determinism", "fast"], in: folder,
            environment: ["OPENBLAS_CORETYPE": "Prescott", "RUNEXP_PRODUCTS": "OpenBLAS"])
        #expect(
            outcome.stderr.contains(
                "note: tiny.yaml: the reference ran portable determinism: OpenBLAS Haswell kernels (AVX2+FMA), 2 threads; "
                    + "this replay ran fast determinism: OpenBLAS Prescott kernels (SSE3)"))
    }

    /// A tiny convolutional autoencoder: oneDNN serves its convolutions in fast mode.
    static let convolutionalSpec = """
        name: tiny_cnn
        data: {source: mnist-m, train_limit: 40, validation: 0.2}
        networks:
          encoder: {layers: [conv2d: {filters: 4, kernel: 3, stride: 2, padding: 1}, relu, flatten, dense: 8]}
          decoder:
            layers:
              - dense: 784
              - relu
              - reshape: [14, 14, 4]
              - conv2d_transpose: {filters: 3, kernel: 3, stride: 2, padding: 1, output_padding: 1}
              - sigmoid
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
        train: {epochs: 1, batch_size: 25}
        outputs: []
        """

    @Test func fastRunsOnOneDNNGiveTheSameBitsTwiceAndOtherBitsThanPortable() throws {
        let folder = try workspace()
        try Self.convolutionalSpec.write(
            to: folder.appendingPathComponent("cnn.yaml"), atomically: true, encoding: .utf8)
        // 32 training images in batches of 25: the last batch (7) gets primitives of its own.
        let first = try train(folder, "a", core: "Haswell", spec: "cnn.yaml")
        _ = try train(folder, "b", core: "Haswell", spec: "cnn.yaml")
        #expect((first["products"] as? String)?.hasPrefix("oneDNN") == true)
        #expect(try digest(folder, "a") == digest(folder, "b"))
        _ = try train(folder, "portable", core: "Haswell", ["--determinism", "portable"], spec: "cnn.yaml")
        #expect(try digest(folder, "a") != digest(folder, "portable"))
        let outcome = try RunexpBinary.run(["diff", "a", "portable"], in: folder)
        #expect(
            outcome.stdout.contains("the runs used different determinism modes (fast, portable) and libraries (oneDNN"))
    }
}
