import Foundation
import Kernels
import Data
import Spec
import RunFolder

/// The choices a run's bits depend on besides its spec and seed: the determinism mode, the library
/// products run on (oneDNN in fast mode, OpenBLAS in portable), its kernels and the thread count. Two runs of one spec and seed with equal setups
/// write the same bits. `run.json` and replay references record it; `runexp diff` compares it.
public struct ArithmeticSetup: Sendable, Equatable {
    public var mode: DeterminismMode
    /// The OpenBLAS kernel family every product ran on (OpenBLAS's name: `Haswell`, `SkylakeX`, …).
    public var blasCore: String
    /// The instructions those kernels execute: `AVX2+FMA`.
    public var instructionSet: String
    /// How many threads products and elementwise passes split across: the count fixes the split.
    public var threads: Int
    /// The library products ran on: `oneDNN 2.6.3 (AVX-512+AMX)`, or `OpenBLAS` (whose kernels are
    /// `blasCore`). Recorded as `products`; a folder written before runexp used oneDNN records none
    /// and ran OpenBLAS.
    public var products = ProductLibrary.openBLAS.rawValue

    /// What the plans of a process with this setup hand their kernels: the library products run on
    /// and the thread count. `apply` decides it once per process; whoever plans (the trainer, the
    /// evaluators, a trained model, the bench) takes it from there.
    public var context: ExecutionContext {
        ExecutionContext(library: products == ProductLibrary.openBLAS.rawValue ? .openBLAS : .oneDNN, threads: threads)
    }

    /// Portable mode's kernels: Haswell's AVX2+FMA kernels, which every x86-64 machine of this kind
    /// (Intel Xeon or AMD EPYC) and nearly every x86-64 CPU since 2013 executes. On AMD they give
    /// the bits of OpenBLAS's own choice there (Zen); the AVX-512 kernels OpenBLAS picks on Intel
    /// are faster but round differently and would shut out CPUs without AVX-512.
    public static let portableCore = "Haswell"

    /// Portable mode's thread count unless `--threads` says otherwise. The count decides how a
    /// product is split, so it must not follow the machine's cores; 2 is what this kind of machine
    /// has, and what the committed references were recorded with.
    public static let portableThreads = 2

    /// The keys under which `run.json` and a replay reference record a setup.
    public static let factKeys = ["determinism", "blas_core", "instruction_set", "threads", "products"]

    /// Pins (portable) or restores (fast) every CPU-dependent choice for the products that follow
    /// in this process, and returns what it chose; `threads` nil means the mode's default (fast:
    /// OpenBLAS's own count, all cores). Call from one thread, before any product runs. With
    /// `modelBytes`, refuses first when they and OpenBLAS's buffers do not fit in the memory left
    /// (`MemoryHeadroom`): OpenBLAS would retry its allocation forever.
    public static func apply(_ mode: DeterminismMode, threads: Int?, modelBytes: Int = 0) throws -> ArithmeticSetup {
        let planned = threads ?? (mode == .fast ? loadedBLASThreadCount : portableThreads)
        if let problem = MemoryHeadroom.problem(modelBytes: modelBytes, threads: planned) { throw RunError(problem) }
        prepareBLASThreads(count: nil)
        let core: String
        let count: Int
        switch mode {
        case .fast:
            (core, count) = (BLASCore.fastestName, threads ?? loadedBLASThreadCount)
        case .portable:
            if let why = portableUnsupported() { throw RunError(why) }
            (core, count) = (portableCore, threads ?? portableThreads)
        }
        guard BLASCore.select(core) else {
            throw RunError("OpenBLAS did not switch to its \(core) kernels; it runs \(BLASCore.activeName)")
        }
        setBLASThreadCount(count)
        OneDNN.setThreadCount(count)
        let active = BLASCore.activeName
        var setup = ArithmeticSetup(
            mode: mode, blasCore: active, instructionSet: BLASCore.named(active)?.instructionSet ?? "unknown",
            threads: blasThreadCount())
        if library(for: mode) == .oneDNN {
            setup.products = "oneDNN \(OneDNN.version) (\(OneDNN.instructionSet))"
        }
        return setup
    }

    /// The library a mode runs products on: oneDNN in fast mode (faster on every CPU measured,
    /// docs/performance.md), OpenBLAS's pinned kernels in portable mode, whose bits are proven the
    /// same on every CPU of this kind; oneDNN's JIT kernels size their blocking to the CPU's caches,
    /// which no machine here can play for another. `RUNEXP_PRODUCTS=OpenBLAS` makes fast mode run
    /// OpenBLAS too, to measure one against the other.
    public static func library(for mode: DeterminismMode) -> ProductLibrary {
        guard mode == .fast else { return .openBLAS }
        let asked = ProcessInfo.processInfo.environment["RUNEXP_PRODUCTS"]
        return asked.flatMap { name in
            [ProductLibrary.openBLAS, .oneDNN].first { $0.rawValue.caseInsensitiveCompare(name) == .orderedSame }
        } ?? .oneDNN
    }

    /// Why this CPU cannot run portable mode, or nil when it can.
    static func portableUnsupported() -> String? {
        guard let core = BLASCore.named(portableCore), !core.runs() else { return nil }
        return "portable determinism runs OpenBLAS's \(core) kernels, which this CPU "
            + "(\(ProcessorDescription.current.model)) cannot execute; use `determinism: fast`"
    }

    /// The spec's determinism, when this machine cannot give it, as a problem at the spec's place.
    static func problem(_ spec: ExperimentSpec) -> Diagnostic? {
        guard spec.determinism == .portable, let why = portableUnsupported() else { return nil }
        let origin = spec.resolved.entries?.first { $0.key == "determinism" }?.value.origin ?? .defaulted
        return Diagnostic(origin, why)
    }

    /// One line for people: `portable determinism: OpenBLAS Haswell kernels (AVX2+FMA), 2 threads`.
    public var summary: String {
        let kernels =
            products == ProductLibrary.openBLAS.rawValue ? "OpenBLAS \(blasCore) kernels (\(instructionSet))" : products
        return "\(mode.rawValue) determinism: \(kernels), \(threads) thread" + (threads == 1 ? "" : "s")
    }

    /// The setup as `run.json` and a replay reference record it.
    var facts: [String: JSON] {
        [
            "determinism": .string(mode.rawValue), "blas_core": .string(blasCore),
            "instruction_set": .string(instructionSet), "threads": .integer(threads), "products": .string(products),
        ]
    }

    /// The setup a `run.json` or a replay reference's `reference.json` records; nil when the file
    /// is missing or records none.
    public static func recorded(in file: URL) -> ArithmeticSetup? {
        guard let text = try? String(contentsOf: file, encoding: .utf8),
            case .object(let facts)? = JSONReader.parse(text)
        else { return nil }
        return ArithmeticSetup(facts: facts)
    }

    /// Writes the setup of the run whose `run.json` is `runFile`, and the CPU it ran on, as a replay
    /// reference's `reference.json`.
    public static func copyFacts(from runFile: URL, to file: URL) throws {
        let text = try String(contentsOf: runFile, encoding: .utf8)
        guard case .object(let facts)? = JSONReader.parse(text) else {
            throw RunError("\(runFile.path): not valid JSON")
        }
        let kept = facts.filter { factKeys.contains($0.key) || $0.key == "cpu" }
        try AtomicFile.write(text: JSON.object(kept).pretty, to: file.path)
    }

    /// Why two runs of one spec and seed on setups `a` and `b` may differ in their last bits, or nil
    /// when they ran the same kernels on the same threads and the bits must be equal (whichever
    /// mode chose them).
    public static func expectedDifference(_ a: ArithmeticSetup, _ b: ArithmeticSetup) -> String? {
        // OpenBLAS's kernels matter only where OpenBLAS computed the products.
        let kernelsDiffer =
            a.products == b.products && a.products == ProductLibrary.openBLAS.rawValue && a.blasCore != b.blasCore
        guard kernelsDiffer || a.threads != b.threads || a.products != b.products else { return nil }
        var causes: [String] = []
        if a.mode != b.mode { causes.append("determinism modes (\(a.mode.rawValue), \(b.mode.rawValue))") }
        if a.products != b.products { causes.append("libraries (\(a.products), \(b.products))") }
        if kernelsDiffer { causes.append("kernels (OpenBLAS \(a.blasCore), \(b.blasCore))") }
        if a.threads != b.threads { causes.append("thread counts (\(a.threads), \(b.threads))") }
        let listed =
            causes.count > 1
            ? causes.dropLast().joined(separator: ", ") + " and " + causes[causes.count - 1] : causes[0]
        return "the runs used different \(listed): \(expectedSpread)"
    }

    /// What other kernels do to a short training's figures: measured across OpenBLAS's families
    /// on the committed experiments' replays (docs/determinism.md).
    static let expectedSpread =
        "relative differences of about 1e-3 in losses and MSE, and up to 2e-2 in t-SNE and k-NN accuracies, are expected"

    /// Reads a setup back from recorded facts; nil when one is missing (a folder written before
    /// runexp recorded them).
    init?(facts: [String: JSON]) {
        guard case .string(let mode)? = facts["determinism"], let mode = DeterminismMode(rawValue: mode),
            case .string(let core)? = facts["blas_core"], case .string(let instructions)? = facts["instruction_set"],
            case .integer(let threads)? = facts["threads"]
        else { return nil }
        self.init(mode: mode, blasCore: core, instructionSet: instructions, threads: threads)
        if case .string(let products)? = facts["products"] { self.products = products }
    }

    init(mode: DeterminismMode, blasCore: String, instructionSet: String, threads: Int) {
        self.mode = mode
        self.blasCore = blasCore
        self.instructionSet = instructionSet
        self.threads = threads
    }
}
