import CDNNL
import Foundation

/// oneDNN's process-wide state: the CPU engine and stream every primitive runs on, its version,
/// instruction set and thread count.
public enum OneDNN {
    /// The CPU engine and an in-order stream on it, created at first use.
    nonisolated(unsafe) static let engineAndStream: (engine: dnnl_engine_t, stream: dnnl_stream_t) = {
        var engine: dnnl_engine_t?
        var stream: dnnl_stream_t?
        check(dnnl_engine_create(&engine, dnnl_cpu, 0), "creating the CPU engine")
        check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "creating a stream")
        return (engine!, stream!)
    }()

    static var engine: dnnl_engine_t { engineAndStream.engine }
    static var stream: dnnl_stream_t { engineAndStream.stream }

    /// `2.6.3`: the oneDNN the process loaded.
    public static var version: String {
        guard let v = dnnl_version() else { return "unknown" }
        return "\(v.pointee.major).\(v.pointee.minor).\(v.pointee.patch)"
    }

    /// The widest instructions oneDNN's JIT kernels use on this CPU: `AVX-512`, `AVX-512+AMX`, `AVX2`.
    public static var instructionSet: String {
        let isa = dnnl_get_effective_cpu_isa()
        switch isa {
        case dnnl_cpu_isa_avx512_core_amx: return "AVX-512+AMX"
        case dnnl_cpu_isa_avx512_core_bf16: return "AVX-512+BF16"
        case dnnl_cpu_isa_avx512_core_vnni: return "AVX-512+VNNI"
        case dnnl_cpu_isa_avx512_core: return "AVX-512"
        case dnnl_cpu_isa_avx2_vnni: return "AVX2+VNNI"
        case dnnl_cpu_isa_avx2: return "AVX2"
        case dnnl_cpu_isa_avx: return "AVX"
        default: return "SSE4.1"
        }
    }

    /// Sets how many OpenMP threads oneDNN's primitives and GEMM split across (process-wide).
    ///
    /// The count fixes how oneDNN partitions a product, so the same count gives the same bits. The
    /// Debian build runs on libgomp, which oneDNN loads; its setter is looked up there rather than
    /// linked (RTLD_DEFAULT), since libgomp ships no link-time library on the default path.
    public static func setThreadCount(_ count: Int) {
        typealias Setter = @convention(c) (Int32) -> Void
        guard let symbol = dlsym(nil, "omp_set_num_threads") else { return }
        unsafeBitCast(symbol, to: Setter.self)(Int32(max(1, count)))
    }

    /// Stops the process with what oneDNN said when a call that cannot fail for a valid plan fails.
    static func check(_ status: dnnl_status_t, _ doing: @autoclosure () -> String) {
        precondition(status == dnnl_success, "oneDNN failed \(doing()): status \(status.rawValue)")
    }
}

/// Matrix product through oneDNN's GEMM (row-major, like `gemm`): `c = op(a)·op(b)` or `c += …`.
/// oneDNN does not read `c` when it overwrites, so stale NaNs there do not leak into the result.
@inline(__always)
func oneDNNGemm(
    c: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, accumulate: Bool
) {
    let transposed = CChar(UInt8(ascii: "T")), plain = CChar(UInt8(ascii: "N"))
    let status = dnnl_sgemm(
        transposeA ? transposed : plain, transposeB ? transposed : plain, dnnl_dim_t(m), dnnl_dim_t(n),
        dnnl_dim_t(k), 1, a, dnnl_dim_t(transposeA ? m : k), b, dnnl_dim_t(transposeB ? k : n),
        accumulate ? 1 : 0, c, dnnl_dim_t(n))
    OneDNN.check(status, "in a \(m)×\(k)·\(k)×\(n) product")
}

/// The OpenMP runtime oneDNN runs on (libgomp), entered the way a compiler enters a
/// `#pragma omp parallel` region, so runexp's own parallel parts share oneDNN's threads.
enum OpenMP {
    typealias Region = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias Parallel = @convention(c) (Region, UnsafeMutableRawPointer?, UInt32, UInt32) -> Void
    typealias Query = @convention(c) () -> Int32

    /// libgomp's region entry and its thread queries; nil when the process has no libgomp.
    static let runtime: (parallel: Parallel, thread: Query, team: Query)? = {
        guard let parallel = dlsym(nil, "GOMP_parallel"), let thread = dlsym(nil, "omp_get_thread_num"),
            let team = dlsym(nil, "omp_get_num_threads")
        else { return nil }
        return (
            unsafeBitCast(parallel, to: Parallel.self), unsafeBitCast(thread, to: Query.self),
            unsafeBitCast(team, to: Query.self)
        )
    }()

    /// Runs `body(part)` for parts `0..<parts` on a team of up to `parts` threads; a team smaller
    /// than asked shares the parts out in turn, so every part runs once.
    static func forEachPart(parts: Int, _ body: (Int) -> Void) {
        guard let runtime else { preconditionFailure("no OpenMP runtime") }
        withoutActuallyEscaping(body) { body in
            var work = (body: body, parts: parts)
            withUnsafeMutablePointer(to: &work) { pointer in
                runtime.parallel(
                    { context in
                        let work = context!.assumingMemoryBound(to: ((Int) -> Void, Int).self).pointee
                        guard let runtime = OpenMP.runtime else { return }
                        let team = Int(runtime.team())
                        for part in stride(from: Int(runtime.thread()), to: work.1, by: max(team, 1)) { work.0(part) }
                    }, pointer, UInt32(parts), 0)
            }
        }
    }
}
