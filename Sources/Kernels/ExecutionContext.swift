/// The library that computes a plan's matrix products and convolutions.
///
/// Chosen once per process from the determinism mode (`ArithmeticSetup` in Runner): fast mode runs
/// oneDNN, portable mode OpenBLAS's pinned kernels with im2col lowering, whose bits are proven the
/// same on every CPU of this kind (docs/determinism.md). Kernels never look it up: it reaches them
/// in an `ExecutionContext`.
public enum ProductLibrary: String, Sendable, Hashable {
    /// OpenBLAS's GEMM; convolutions as im2col or col2im around it.
    case openBLAS = "OpenBLAS"
    /// oneDNN's GEMM and direct NHWC convolution primitives (im2col where a geometry has none).
    case oneDNN
}

/// What a kernel runs with besides its buffers: the library its products run on and how many
/// threads its work may split across. The caller that decides the process's arithmetic makes one;
/// a planner captures it once per planned phase and hands it to every kernel call, so two contexts
/// can run side by side in one process (the tests run both libraries so).
public struct ExecutionContext: Sendable, Hashable {
    /// The library products (and, with oneDNN, the threads of parallel parts) run on.
    public var library: ProductLibrary
    /// How many threads elementwise passes and lowerings may split across, at least 1.
    public var threads: Int

    /// A context on `library` with `threads` threads (at least 1).
    public init(library: ProductLibrary, threads: Int = 1) {
        self.library = library
        self.threads = max(1, threads)
    }

    /// OpenBLAS on the calling thread alone: for work outside any plan that splits nothing.
    public static let serial = ExecutionContext(library: .openBLAS, threads: 1)
}
