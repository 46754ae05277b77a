import Analysis
import Data
import Foundation
import Graph
import Kernels
import Spec
import RunFolder
import Runner
import Report

/// `runexp bench`: training throughput of the committed experiments, t-SNE time, GEMM rate and peak
/// memory, measured in this process, and optionally the PyTorch peer's figures beside them.
public enum Bench {
    /// One figure: its key (the peer script's name where it has one), value and unit.
    public struct Figure: Sendable {
        public var key: String
        public var value: Double
        public var unit: String
    }

    /// How to run a PyTorch peer script, and the experiments whose figures it gives.
    public struct PeerCommand: Sendable {
        public var python: String
        public var script: String
        /// Arguments before the bench's own `--threads` and `--seconds`.
        public var arguments: [String]
        /// The experiments it measures, to name them in the log.
        public var experiments: [String]

        public init(python: String, script: String, arguments: [String] = [], experiments: [String]) {
            self.python = python
            self.script = script
            self.arguments = arguments
            self.experiments = experiments
        }
    }

    /// The experiments a bench measures unless told others: the two the shared peer also measures.
    public static let defaultExperiments = ["cnn_ae", "aae_mlp"]

    /// The peers of `experiments`: the shared `torch_ref.py` for the experiments it measures, and
    /// for any other the training peer beside its spec's name, `PEERS/NAME.py --bench`, at the
    /// spec's batch size.
    public static func peers(
        for experiments: [String], folder: String, python: String, sharedScript: String, peersFolder: String
    ) throws -> [PeerCommand] {
        var commands: [PeerCommand] = []
        let shared = experiments.filter(defaultExperiments.contains)
        if !shared.isEmpty { commands.append(PeerCommand(python: python, script: sharedScript, experiments: shared)) }
        for name in experiments where !defaultExperiments.contains(name) {
            let batch = try SpecCheck.run(path: "\(folder)/\(name).yaml").get().spec.train.batchSize
            commands.append(
                PeerCommand(
                    python: python, script: "\(peersFolder)/\(name).py",
                    arguments: ["--bench", "--batch-size", String(batch)], experiments: [name]))
        }
        return commands
    }

    /// Measures every figure; `seconds` bounds each throughput measurement.
    ///
    /// The throughput figures are taken in `rounds` rounds, each of runexp's models `names` (in each
    /// of `modes`) followed by the peers (when given), and the medians are reported: on a shared machine
    /// the load changes from one minute to the next, and interleaving puts every side under the
    /// same spells of it. The first mode's figures have the plain keys; another mode's keys end in
    /// its name (`cnn_ae_train_img_s_portable`).
    public static func measure(
        experiments: String, names: [String] = defaultExperiments, seconds: Double, rounds: Int = 1,
        peers: [PeerCommand] = [], modes: [DeterminismMode] = [.fast], threads: Int? = nil, log: (String) -> Void
    ) throws -> (figures: [Figure], peer: [String: Double]) {
        var samples: [String: [Double]] = [:]
        var peerSamples: [String: [Double]] = [:]
        let rounds = max(1, rounds)
        let modes = modes.isEmpty ? [.fast] : modes
        func key(_ base: String, _ mode: DeterminismMode) -> String {
            mode == modes[0] ? base : "\(base)_\(mode.rawValue)"
        }
        var peaks: [DeterminismMode: Double] = [:]
        for mode in modes {
            let setup = try ArithmeticSetup.apply(mode, threads: threads)
            log(setup.summary)
            peaks[mode] = gemmRate(1024, 1024, 1024, seconds: 1, context: setup.context)
            log("products' peak here: \(Int(peaks[mode]!)) GFLOP/s (a 1024³ SGEMM on the same threads)")
        }
        let imageFolders = try Set(names.filter { try readsImageFolder("\(experiments)/\($0).yaml") })
        for round in 1...rounds {
            let prefix = rounds > 1 ? "round \(round)/\(rounds): " : ""
            for name in names {
                for mode in modes {
                    let setup = try ArithmeticSetup.apply(mode, threads: threads)
                    let training = try trainingThroughput(
                        "\(experiments)/\(name).yaml", seconds: seconds, context: setup.context)
                    log(prefix + training.line(modes.count > 1 ? "\(name) (\(mode.rawValue))" : name))
                    if round == rounds { training.layerLines(peak: peaks[mode] ?? 0).forEach(log) }
                    samples[key("\(name)_train_img_s", mode), default: []].append(training.imagesPerSecond)
                    samples[key("\(name)_loop_overhead_pct", mode), default: []].append(training.overheadPercent)
                    samples[key("\(name)_step_gflops", mode), default: []].append(training.stepGFLOPS)
                    samples[key("\(name)_optimizer_gb_s", mode), default: []].append(training.optimizerGBPerSecond)
                }
                if imageFolders.contains(name) {
                    let setup = try ArithmeticSetup.apply(modes[0], threads: threads)
                    let wait = try dataWait("\(experiments)/\(name).yaml", seconds: seconds, context: setup.context)
                    log(
                        prefix
                            + "\(name), streamed: \(formatFixed(wait.waitPercent, 2))% of the steps' time waiting for data"
                    )
                    samples["\(name)_data_wait_pct", default: []].append(wait.waitPercent)
                }
            }
            _ = try ArithmeticSetup.apply(modes[0], threads: threads)
            for peer in peers {
                log(prefix + "running the PyTorch peer \(peer.script)…")
                let figures = try self.peer(peer, seconds: seconds).get()
                for (key, value) in figures { peerSamples[key, default: []].append(value) }
                let rates = peer.experiments.compactMap { name in
                    figures["\(name)_train_img_s"].map { "\(name) \(formatFixed($0, $0 < 10 ? 2 : 0)) img/s" }
                }
                log(prefix + "PyTorch: " + rates.joined(separator: ", "))
            }
        }
        var figures = trainingFigures(names: names, modes: modes, samples: samples, key: key)
        figures += try machineFigures(modes: modes, threads: threads, seconds: seconds, key: key, log: log)
        return (figures, peerSamples.mapValues(median))
    }

    /// Each experiment's figures (in each mode), the median of their rounds.
    static func trainingFigures(
        names: [String], modes: [DeterminismMode], samples: [String: [Double]],
        key: (String, DeterminismMode) -> String
    ) -> [Figure] {
        var figures: [Figure] = []
        for name in names {
            for mode in modes {
                for (base, unit) in [
                    ("\(name)_train_img_s", "img/s"), ("\(name)_loop_overhead_pct", "%"),
                    ("\(name)_step_gflops", "GFLOP/s"), ("\(name)_optimizer_gb_s", "GB/s"),
                ] {
                    let key = key(base, mode)
                    figures.append(Figure(key: key, value: median(samples[key] ?? []), unit: unit))
                }
            }
            if let waits = samples["\(name)_data_wait_pct"] {
                figures.append(Figure(key: "\(name)_data_wait_pct", value: median(waits), unit: "%"))
            }
        }
        return figures
    }

    /// The figures that are not training: the t-SNE of 10,000 digits, each mode's SGEMM rate, and
    /// the peak memory of the whole bench.
    static func machineFigures(
        modes: [DeterminismMode], threads: Int?, seconds: Double, key: (String, DeterminismMode) -> String,
        log: (String) -> Void
    ) throws -> [Figure] {
        var figures: [Figure] = []
        let tsne = try tsneOnMNIST(library: ArithmeticSetup.library(for: modes[0]))
        log(
            "t-SNE of 10,000 MNIST test digits: \(formatFixed(tsne.seconds, 1)) s, 10-NN accuracy \(formatFixed(tsne.mapAccuracy ?? 0, 4))"
        )
        figures.append(Figure(key: "tsne_10k_s", value: tsne.seconds, unit: "s"))
        figures.append(Figure(key: "tsne_10k_knn_accuracy", value: tsne.mapAccuracy ?? 0, unit: ""))
        for mode in modes {
            let setup = try ArithmeticSetup.apply(mode, threads: threads)
            let rate = gemmRate(512, 512, 512, seconds: seconds / 4, context: setup.context)
            figures.append(Figure(key: key("sgemm_gflops", mode), value: rate, unit: "GFLOP/s"))
        }
        _ = try ArithmeticSetup.apply(modes[0], threads: threads)
        figures.append(Figure(key: "peak_rss_mb", value: peakResidentMegabytes(), unit: "MB"))
        return figures
    }

    /// The middle value (the mean of the middle two for an even count).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// A training measurement: throughput, and the share of the step spent outside the heavy kernels.
    struct Training {
        var imagesPerSecond: Double
        var gemmPercent: Double
        var convolutionPercent: Double
        /// The optimizer updates' share; part of the overhead.
        var optimizerPercent: Double
        /// The bytes the updates read and write over their time, in GB/s.
        var optimizerGBPerSecond: Double
        /// 100 × (step time − time in GEMM, im2col and col2im) / step time.
        var overheadPercent: Double
        /// The step's products' arithmetic over the whole step's time.
        var stepGFLOPS: Double
        /// Each convolution and dense application's products, over the measured steps.
        var layers: [(phase: String, products: LayerProducts)]
        var steps: Int
        var nanoseconds: UInt64

        /// One line per layer application: what served it, its rate against `peak`, its share of the step.
        func layerLines(peak: Double) -> [String] {
            layers.map { phase, products in
                let rate = Double(products.flops) * Double(steps) / max(Double(products.nanoseconds), 1)
                let share = 100 * Double(products.nanoseconds) / max(Double(nanoseconds), 1)
                return "  \(phase): \(products.place): \(products.server), \(Int(rate)) GFLOP/s"
                    + " (\(Int((100 * rate / max(peak, 1)).rounded()))% of peak), \(formatFixed(share, 1))% of the step"
            }
        }

        /// The log line: throughput and where a step's time went.
        func line(_ label: String) -> String {
            "\(label): \(Int(imagesPerSecond)) img/s; of a step: GEMM \(formatFixed(gemmPercent, 1))%, "
                + "im2col/col2im \(formatFixed(convolutionPercent, 1))%, optimizer \(formatFixed(optimizerPercent, 1))% "
                + "(\(formatFixed(optimizerGBPerSecond, 1)) GB/s), "
                + "everything else \(formatFixed(overheadPercent - optimizerPercent, 1))%"
        }
    }

    /// The spec's phases planned for one batch of its size read from `data`, on fresh weights,
    /// their forward passes shared: what the bench's loops step.
    static func plannedPhases(
        _ checked: CheckedSpec, data: FloatBuffer, context: ExecutionContext, timing: StepTiming? = nil
    ) throws -> [PhaseProgram] {
        let spec = checked.spec
        let store = ParameterStore(model: checked.model, spec: spec, seed: spec.seed)
        let phases = try spec.phases.map {
            try PhaseProgram(
                phase: $0, model: checked.model, store: store, capacity: spec.train.batchSize, seed: spec.seed,
                data: data, context: context, timing: timing)
        }
        PhaseProgram.shareForwardPasses(phases)
        return phases
    }

    /// Images per second of one full training step (every phase) at the spec's batch size, on
    /// random pixels: throughput does not depend on their values.
    static func trainingThroughput(_ path: String, seconds: Double, context: ExecutionContext) throws -> Training {
        let checked = try SpecCheck.run(path: path).get()
        let spec = checked.spec, model = checked.model
        let batch = spec.train.batchSize
        let data = FloatBuffer(count: batch * (model.dataShape?.elementCount ?? 0))
        var stream = RandomStream(seed: 0, name: "bench data")
        stream.fillUniform(buffer: data.pointer, count: data.count)
        let timing = StepTiming()
        let phases = try plannedPhases(checked, data: data, context: context, timing: timing)
        var sampler = spec.prior.map { PriorSampler(prior: $0, seed: spec.seed) }
        for phase in phases { phase.step(batch: batch, sampler: &sampler) }  // warm-up
        timing.reset()
        let start = monotonicNanoseconds()
        var images = 0
        var elapsed: UInt64 = 0
        while Double(elapsed) < seconds * 1e9 {
            for phase in phases { phase.step(batch: batch, sampler: &sampler) }
            images += batch
            elapsed = monotonicNanoseconds() - start
        }
        func percent(_ nanoseconds: UInt64) -> Double { 100 * Double(nanoseconds) / Double(elapsed) }
        let gemm = percent(timing.gemmNanoseconds), convolution = percent(timing.convolutionNanoseconds)
        let layers = phases.flatMap { phase in phase.layerProducts.map { (phase: phase.name, products: $0) } }
        let steps = images / batch
        let flops = layers.reduce(0) { $0 + $1.products.flops }
        return Training(
            imagesPerSecond: Double(images) / (Double(elapsed) / 1e9), gemmPercent: gemm,
            convolutionPercent: convolution, optimizerPercent: percent(timing.optimizerNanoseconds),
            optimizerGBPerSecond: Double(phases.reduce(0) { $0 + $1.optimizer.bytesPerUpdate } * steps)
                / max(Double(timing.optimizerNanoseconds), 1),
            overheadPercent: 100 - gemm - convolution,
            stepGFLOPS: Double(flops) * Double(steps) / Double(elapsed), layers: layers, steps: steps,
            nanoseconds: elapsed)
    }

    static func tsneOnMNIST(library: ProductLibrary) throws -> TSNEBenchmarkResult {
        let test = try EmbeddedData.mnistTest()
        let points = test.images.bytes.map { Float($0) / 255 }
        var configuration = TSNEConfiguration()
        configuration.library = library
        return try TSNEBenchmark.run(
            points: points, count: test.count, dimension: 784, labels: test.labels.map(Int.init),
            configuration: configuration)
    }

    /// Single-precision GEMM rate in GFLOP/s for an m×k by k×n product.
    static func gemmRate(_ m: Int, _ k: Int, _ n: Int, seconds: Double, context: ExecutionContext) -> Double {
        let a = FloatBuffer(count: m * k), b = FloatBuffer(count: k * n), c = FloatBuffer(count: m * n)
        var stream = RandomStream(seed: 0, name: "bench gemm")
        stream.fillUniform(buffer: a.pointer, count: a.count)
        stream.fillUniform(buffer: b.pointer, count: b.count)
        gemm(c: c.pointer, a: a.pointer, b: b.pointer, m: m, n: n, k: k, accumulate: false, context: context)
        let start = Date()
        var calls = 0
        while Date().timeIntervalSince(start) < seconds {
            gemm(c: c.pointer, a: a.pointer, b: b.pointer, m: m, n: n, k: k, accumulate: false, context: context)
            calls += 1
        }
        return Double(calls) * 2 * Double(m * k * n) / Date().timeIntervalSince(start) / 1e9
    }

    /// The process's peak resident memory (VmHWM) in MB.
    static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }

    /// Runs a PyTorch peer script and returns its JSON figures, or why it could not.
    public static func peer(_ command: PeerCommand, seconds: Double) -> Result<[String: Double], RunError> {
        let (python, script) = (command.python, command.script)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments =
            [script] + command.arguments + ["--threads", String(blasThreadCount()), "--seconds", String(seconds)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            return .failure(RunError("cannot run \(python): \(error.localizedDescription)"))
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            case .object(let members)? = JSONReader.parse(String(decoding: output, as: UTF8.self))
        else { return .failure(RunError("\(script) failed (is torch installed for \(python)?)")) }
        return .success(members.compactMapValues(\.numberValue))
    }
}
