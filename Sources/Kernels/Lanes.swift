#if arch(x86_64)
    import _Builtin_intrinsics.intel
#endif

/// Eight floats processed together: the width of an AVX register, two SSE registers on a baseline
/// x86-64 build.
public typealias Lanes = SIMD8<Float>

/// Eight floats from `pointer`, which need not be aligned.
@inline(__always)
public func loadLanes(_ pointer: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
}

/// Stores eight floats at `pointer`, which need not be aligned.
@inline(__always)
public func storeLanes(_ lanes: Lanes, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: lanes, as: Lanes.self)
}

/// The correctly rounded square root of each lane, as `Float.squareRoot()` gives it.
///
/// The standard library's `SIMD.squareRoot()` goes lane by lane (a scalar `sqrtss` and a libm
/// fallback each); the intrinsic is one vector instruction per register.
@inline(__always)
public func squareRootLanes(_ lanes: Lanes) -> Lanes {
    #if arch(x86_64)
        _mm256_sqrt_ps(lanes)
    #else
        lanes.squareRoot()
    #endif
}
