import CBLAS
import Foundation

/// One of OpenBLAS's kernel families ("core types"): the GEMM kernels and blocking it runs on one
/// kind of CPU. Two families may add a product's terms in different orders and round differently,
/// while one family gives the same bits on every CPU that executes it, Intel's or AMD's.
public struct BLASCore: Sendable, Hashable, CustomStringConvertible {
    /// OpenBLAS's name, as `OPENBLAS_CORETYPE` takes it and `openblas_get_corename` prints it.
    public let name: String
    /// The instructions its kernels need, for people: `AVX2+FMA`.
    public let instructionSet: String
    /// The `/proc/cpuinfo` flags a CPU must show to execute them.
    let requiredFlags: [String]

    public var description: String { "\(name) (\(instructionSet))" }

    /// The families OpenBLAS picks for the x86-64 CPUs of the last two decades, by the instructions
    /// they need (Zen, AMD's, before Intel's Haswell). The Bulldozer-era AMD families (FMA4
    /// kernels, executed by no current CPU), the 32-bit ones and OpenBLAS's aliases are left out.
    public static let known: [BLASCore] = [
        BLASCore(name: "Prescott", instructionSet: "SSE3", requiredFlags: ["pni"]),
        BLASCore(name: "Core2", instructionSet: "SSSE3", requiredFlags: ["ssse3"]),
        BLASCore(name: "Nehalem", instructionSet: "SSE4.2", requiredFlags: ["sse4_2"]),
        BLASCore(name: "Sandybridge", instructionSet: "AVX", requiredFlags: ["avx"]),
        BLASCore(name: "Zen", instructionSet: "AVX2+FMA", requiredFlags: ["avx2", "fma"]),
        BLASCore(name: "Haswell", instructionSet: "AVX2+FMA", requiredFlags: ["avx2", "fma"]),
        BLASCore(name: "SkylakeX", instructionSet: "AVX-512", requiredFlags: avx512),
        BLASCore(name: "Cooperlake", instructionSet: "AVX-512+BF16", requiredFlags: avx512 + ["avx512_bf16"]),
    ]

    private static let avx512 = ["avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    /// The known family called `name` (OpenBLAS's spelling, any case).
    public static func named(_ name: String) -> BLASCore? {
        known.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Whether `processor` executes every instruction this family's kernels use.
    public func runs(on processor: ProcessorDescription = .current) -> Bool {
        requiredFlags.allSatisfy(processor.flags.contains)
    }

    /// The name of the family OpenBLAS runs now.
    public static var activeName: String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }

    /// The family OpenBLAS chose when it loaded, and whether the user chose it (`OPENBLAS_CORETYPE`).
    /// Read before the first `select`, which keeps it.
    public static let loaded: (name: String, byUser: Bool) = (
        activeName, getenv("OPENBLAS_CORETYPE").map { String(cString: $0).isEmpty } == false
    )

    /// The family that runs this CPU's products fastest: the user's `OPENBLAS_CORETYPE` when set,
    /// else OpenBLAS's own choice, unless OpenBLAS did not know the CPU and fell back to a family
    /// older than Haswell although the CPU executes Haswell's instructions. Then it is the newest
    /// family the CPU executes. (OpenBLAS 0.3.21 runs its SSE3 kernels on an Emerald Rapids Xeon,
    /// three to five times slower than its AVX-512 ones.)
    public static var fastestName: String {
        fastest(loaded: loaded.name, byUser: loaded.byUser, processor: .current)
    }

    static func fastest(loaded: String, byUser: Bool, processor: ProcessorDescription) -> String {
        guard !byUser, let current = named(loaded), !current.requiredFlags.contains("avx2"),
            let newest = known.last(where: { $0.runs(on: processor) }), newest.requiredFlags.contains("avx2")
        else { return loaded }
        return newest.name
    }

    /// Makes OpenBLAS run the family `name` for every later product in this process; true when it
    /// does. Call from one thread while no product runs (the worker threads are restarted).
    ///
    /// OpenBLAS reads `OPENBLAS_CORETYPE` once, when it loads; forgetting its choice and making it
    /// again with the variable set re-reads it in this process, so a run needs no second start. The
    /// caller checks `runs(on:)` first: OpenBLAS does not, and a family the CPU cannot execute
    /// would stop the process at its first product.
    @discardableResult
    public static func select(_ name: String) -> Bool {
        _ = loaded
        if activeName.caseInsensitiveCompare(name) == .orderedSame { return true }
        let users = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }
        _ = blas_thread_shutdown_()
        gotoblas_dynamic_quit()
        setenv("OPENBLAS_CORETYPE", name, 1)
        gotoblas_dynamic_init()
        // Child processes (the bench's PyTorch peer) see the user's own environment again.
        if let users { setenv("OPENBLAS_CORETYPE", users, 1) } else { unsetenv("OPENBLAS_CORETYPE") }
        _ = blas_thread_init()
        return activeName.caseInsensitiveCompare(name) == .orderedSame
    }
}

/// What this CPU is and which instructions it executes, as Linux reports them (`/proc/cpuinfo`:
/// the flags of instructions the kernel has also enabled, AVX-512's registers among them).
public struct ProcessorDescription: Sendable {
    /// The model name, such as `AMD EPYC 9R14 96-Core Processor`.
    public let model: String
    /// The instruction-set flags (`avx2`, `fma`, `avx512f`, …).
    public let flags: Set<String>

    /// This machine's processor.
    public static let current = ProcessorDescription(
        cpuinfo: (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")

    /// Reads the first processor's `model name` and `flags` lines of a `/proc/cpuinfo` text.
    public init(cpuinfo: String) {
        func value(_ key: String) -> String? {
            for line in cpuinfo.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == key {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
        model = value("model name") ?? "unknown"
        flags = Set((value("flags") ?? "").split(separator: " ").map(String.init))
    }
}
