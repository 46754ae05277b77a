/// How closely a run's bits are tied to the machine it ran on.
///
/// Products add their terms in an order that depends on the kernels and the thread split, and a
/// short training amplifies the last bits. `fast` (the default) lets each CPU run its best
/// kernels: the same spec, seed and threads give the same bits on one machine. `portable` pins
/// every CPU-dependent choice (docs/determinism.md), so they give the same bits on every x86-64
/// machine with AVX2 and FMA, Intel's or AMD's; `runexp replay` runs in it.
public enum DeterminismMode: String, Sendable, CaseIterable {
    case fast
    case portable
}

extension SpecDecoder {
    func decodeDeterminism(_ node: YAMLNode) -> DeterminismMode? {
        scalars.choice(node, "determinism", DeterminismMode.allCases.map(\.rawValue))
            .flatMap(DeterminismMode.init(rawValue:))
    }
}
