import Testing

@testable import Kernels

/// Which OpenBLAS kernel family a CPU executes and which one fast mode runs. (Switching families
/// is tested through the binary, in a process of its own: a switch restarts OpenBLAS's threads,
/// which must not happen under another test's product.)
struct BLASCoreTests {
    static let emeraldRapids = ProcessorDescription(
        cpuinfo: """
            processor\t: 0
            vendor_id\t: GenuineIntel
            model name\t: Intel(R) Xeon(R) Processor
            flags\t\t: fpu sse sse2 pni ssse3 fma sse4_1 sse4_2 avx avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16
            processor\t: 1
            model name\t: another
            """)
    static let avx2Only = ProcessorDescription(
        cpuinfo: "model name\t: Laptop\nflags\t\t: fpu sse sse2 pni ssse3 sse4_2 avx avx2 fma\n")

    @Test func theProcessorsModelAndFlagsAreReadFromTheFirstProcessor() {
        #expect(Self.emeraldRapids.model == "Intel(R) Xeon(R) Processor")
        #expect(Self.emeraldRapids.flags.contains("avx512_bf16"))
        #expect(!Self.emeraldRapids.flags.contains("processor"))
    }

    @Test func aFamilyRunsOnlyWhereTheCPUHasEveryInstructionItNeeds() throws {
        let skylake = try #require(BLASCore.named("skylakex"))
        #expect(skylake.name == "SkylakeX")
        #expect(skylake.runs(on: Self.emeraldRapids))
        #expect(!skylake.runs(on: Self.avx2Only))
        #expect(BLASCore.known.filter { $0.runs(on: Self.avx2Only) }.map(\.name).last == "Haswell")
        #expect(BLASCore.named("Pentium") == nil)
    }

    @Test func fastModeKeepsOpenBLASsChoiceWhenOpenBLASKnowsTheCPU() {
        for loaded in ["Zen", "SkylakeX", "Haswell", "SapphireRapids"] {
            #expect(BLASCore.fastest(loaded: loaded, byUser: false, processor: Self.emeraldRapids) == loaded)
        }
    }

    @Test func fastModeReplacesAnOldFallbackWithTheNewestFamilyTheCPUExecutes() {
        // OpenBLAS 0.3.21 does not know Emerald Rapids and runs its SSE3 kernels there.
        #expect(BLASCore.fastest(loaded: "Prescott", byUser: false, processor: Self.emeraldRapids) == "Cooperlake")
        #expect(BLASCore.fastest(loaded: "Sandybridge", byUser: false, processor: Self.avx2Only) == "Haswell")
    }

    @Test func fastModeKeepsTheUsersOwnCoreType() {
        #expect(BLASCore.fastest(loaded: "Prescott", byUser: true, processor: Self.emeraldRapids) == "Prescott")
    }
}
