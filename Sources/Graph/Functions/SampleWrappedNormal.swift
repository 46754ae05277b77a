#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// `sample_wrapped_normal(loc, logvar)`: a draw from the wrapped normal on the Poincaré ball of
/// curvature 1 (Mathieu et al., 2019; pythae's PVAE posterior): a normal draw s = exp(logvar/2)·ε
/// in the tangent space at the origin, moved to `loc` by parallel transport and mapped onto the
/// ball by the exponential map there. Transport and map together come to
///
///     z = loc ⊕ expmap₀(s/2),   expmap₀(v) = tanh(‖v‖)·v/‖v‖,
///
/// ⊕ Möbius addition. `loc` is read as it is, as pythae reads the encoder's embedding (a loc off
/// the ball is not projected onto it). ε comes from the phase's noise stream; gradients reach
/// `loc` and `logvar` by reparameterization.
public struct SampleWrappedNormal: BatchFunction {
    public let width: Int
    public var isRandom: Bool { true }
    public var description: String { "sample_wrapped_normal(\(width))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(2...2)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        let width = try arguments.flat(0, "location"), logvar = try arguments.flat(1, "log-variance")
        guard width == logvar else {
            throw FunctionProblem(
                "sample_wrapped_normal needs loc and logvar of one size; found \(width) and \(logvar)", 1)
        }
        if let index = arguments.draws.firstIndex(where: { $0 != 1 }) {
            throw FunctionProblem(
                "sample_wrapped_normal draws once per sample from parameters of one draw each; found \(arguments.draws[index]) draws",
                index)
        }
        return .batch(SampleWrappedNormal(width: width), [width], inputs: [0, 1])
    }

    /// ε, kept for backward.
    public func scratch(inputs: [SampleShape], output: SampleShape, batch: Int) -> Int { batch * width }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        random.fillNormal(buffer: b.scratch, count: b.batch * width)
        for row in 0..<b.batch {
            let draw = Draw(b, row: row, width: width)
            for k in 0..<width { b.output[row * width + k] = Float(draw.sum[k]) }
        }
    }

    public func backward(_ b: FunctionBuffers) {
        for row in 0..<b.batch {
            let draw = Draw(b, row: row, width: width), at = row * width
            let g = { (k: Int) in Double(b.dOutput[at + k]) }
            let (dLoc, dw) = draw.sum.pullback(width: width, g)
            if let gradient = b.dInputs[0] {
                for k in 0..<width { write(Float(draw.sum.value(dLoc, g, k)), to: gradient, at: at + k) }
            }
            guard let gradient = b.dInputs[1] else { continue }
            // w = f(r)·s: ∂w/∂s = f·I + (f′(r)/r)·s sᵀ; s = exp(logvar/2)·ε gives ∂s/∂logvar = s/2.
            var dwDotS = 0.0
            for k in 0..<width { dwDotS += draw.sum.value(dw, g, k) * draw.s(k) }
            let slope = PoincareBall.halfExpSlope(draw.r)
            for k in 0..<width {
                let ds = draw.scale * draw.sum.value(dw, g, k) + slope * dwDotS * draw.s(k)
                write(Float(ds * draw.s(k) / 2), to: gradient, at: at + k)
            }
        }
    }

    /// One row's tangent draw s = exp(logvar/2)·ε, scaled by f(r).
    struct TangentDraw: BallRow {
        let logvar: UnsafeMutablePointer<Float>
        let epsilon: UnsafeMutablePointer<Float>
        var scale = 1.0

        func s(_ k: Int) -> Double { exp(0.5 * Double(logvar[k])) * Double(epsilon[k]) }
        subscript(k: Int) -> Double { scale * s(k) }
    }

    /// One row's tangent draw s, its length r, the scale f(r) that maps s/2 onto the ball, and the
    /// sum loc ⊕ f(r)·s.
    struct Draw {
        let r: Double
        let sum: MobiusSum<FloatRow, TangentDraw>
        var scale: Double { sum.y.scale }

        init(_ b: FunctionBuffers, row: Int, width: Int) {
            var tangent = TangentDraw(logvar: b.inputs[1] + row * width, epsilon: b.scratch + row * width)
            var squared = 0.0
            for k in 0..<width { squared += tangent.s(k) * tangent.s(k) }
            r = squared.squareRoot()
            tangent.scale = PoincareBall.halfExpScale(r)
            sum = MobiusSum(width: width, x: FloatRow(values: b.inputs[0] + row * width, sign: 1), y: tangent)
        }

        func s(_ k: Int) -> Double { sum.y.s(k) }
    }
}
