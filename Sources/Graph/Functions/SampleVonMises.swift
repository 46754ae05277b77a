#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// `sample_von_mises(loc, kappa)`: a draw z on the unit sphere S^{m−1} from the von Mises–Fisher
/// distribution of direction loc/‖loc‖ and concentration κ (Davidson et al., 2018, the S-VAE's
/// posterior; pythae's SVAE), m the width of `loc`, one κ per row.
///
/// Wood's (1994) rejection sampler draws the component w along the first axis; a uniform direction
/// v of the other m − 1 axes completes z′ = (w, √(1 − w²)·v), and the Householder reflection that
/// takes the first axis to loc/‖loc‖ turns z′ into z. The gradient is the reparameterized one:
/// to `loc` through the normalization and the reflection, to κ through w(ε, κ) with the accepted
/// proposal ε held fixed, as pythae's is. A row whose 100 proposals are all refused keeps w = 0 and
/// gets no gradient to κ, as pythae's: on S^15 a proposal is accepted with probability 0.70 or more
/// at every κ (simulated from 0 to 10⁶), so that chance is below 10⁻⁵⁰. κ below 0 is read as 0, the
/// uniform distribution.
public struct SampleVonMises: BatchFunction {
    /// m, the width of `loc` and of the draw.
    public let width: Int
    public var isRandom: Bool { true }
    public var description: String { "sample_von_mises(\(width))" }
    static let proposalLimit = 100

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        let width = try arguments.vonMisesParameters()
        return .batch(SampleVonMises(width: width), [width], inputs: [0, 1])
    }

    /// Per row the accepted proposal ε (−1 when none was) and the m − 1 values of v.
    public func scratch(inputs: [SampleShape], output: SampleShape, batch: Int) -> Int { batch * width }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        for row in 0..<b.batch {
            let kept = b.scratch + row * width
            let wood = WoodProposal(kappa: Double(b.inputs[1][row]), dimension: width)
            kept[0] = -1
            for _ in 0..<Self.proposalLimit {
                let epsilon = Self.symmetricBeta(dimension: width, &random)
                if wood.accepts(epsilon, logUniform: log(random.nextUniformDouble())) {
                    // Rounded as kept, so that backward differentiates the w forward used.
                    kept[0] = Float(epsilon)
                    break
                }
            }
            Self.uniformDirection(kept + 1, count: width - 1, &random)
            let tangent = TangentPoint(kept: kept, wood: wood)
            let reflection = Reflection(loc: b.inputs[0] + row * width, width: width)
            let draw = (0..<width).reduce(0.0) { $0 + reflection.r($1) * tangent[$1] } / reflection.denominator
            for j in 0..<width {
                b.output[row * width + j] = Float(tangent[j] - 2 * reflection.u(j) * draw)
            }
        }
    }

    public func backward(_ b: FunctionBuffers) {
        for row in 0..<b.batch {
            let kept = b.scratch + row * width, dz = b.dOutput + row * width
            let wood = WoodProposal(kappa: Double(b.inputs[1][row]), dimension: width)
            let tangent = TangentPoint(kept: kept, wood: wood)
            let reflection = Reflection(loc: b.inputs[0] + row * width, width: width)
            let dots = reflection.dots(dz, tangent)
            // z = z′ − 2u(u·z′): dz′ = dz − 2u(u·dz); du = −2(u·z′)dz − 2(u·dz)z′.
            let (p, q) = (dots.rz / reflection.denominator, dots.rg / reflection.denominator)
            if let dKappa = b.dInputs[1] {
                var dw = Double(dz[0]) - 2 * reflection.u(0) * q
                for j in 1..<width { dw += tangent.slope * tangent.v(j) * (Double(dz[j]) - 2 * reflection.u(j) * q) }
                write(Float(dw * tangent.dwdKappa), to: dKappa, at: row)
            }
            guard let dLoc = b.dInputs[0] else { continue }
            let rdu = -2 * p * dots.rg - 2 * q * dots.rz, mdu = -2 * p * dots.mg - 2 * q * dots.mz
            let mdm = -reflection.dr(mdu, rdu: rdu, r: dots.mr)
            for j in 0..<width {
                let du = -2 * p * Double(dz[j]) - 2 * q * tangent[j]
                let dMu = -reflection.dr(du, rdu: rdu, r: reflection.r(j))
                write(Float((dMu - reflection.mu(j) * mdm) / reflection.norm), to: dLoc, at: row * width + j)
            }
        }
    }

    /// ε ~ Beta((m−1)/2, (m−1)/2) as a ratio of two χ²_{m−1} draws.
    static func symmetricBeta(dimension: Int, _ random: inout RandomStream) -> Double {
        var (first, second) = (0.0, 0.0)
        for _ in 1..<dimension {
            let (a, b) = random.nextNormalPair()
            first += a * a
            second += b * b
        }
        return first / (first + second)
    }

    /// A uniform unit vector of `count` values (normal draws over their norm).
    static func uniformDirection(_ v: UnsafeMutablePointer<Float>, count: Int, _ random: inout RandomStream) {
        random.fillNormal(buffer: v, count: count)
        let norm = (0..<count).reduce(0.0) { $0 + Double(v[$1]) * Double(v[$1]) }.squareRoot()
        if norm == 0 { v[0] = 1 }
        for j in 0..<count where norm > 0 { v[j] = Float(Double(v[j]) / norm) }
    }
}

extension FunctionArguments {
    /// `(loc, kappa)`: flat batches, loc at least 2 wide and kappa 1, from the same draws, and no
    /// named argument; returns loc's width.
    func vonMisesParameters() throws(FunctionProblem) -> Int {
        try expect(2...2)
        _ = try keyword("", allowed: [], in: 0...0)
        let loc = try flat(0, "direction (loc)"), kappa = try flat(1, "concentration (kappa)")
        guard loc >= 2 else {
            throw FunctionProblem("the loc of \(name) needs at least 2 columns, a direction on a sphere; found 1", 0)
        }
        guard kappa == 1 else {
            throw FunctionProblem(
                "the kappa of \(name) is one concentration per sample, 1 column; found \(kappa) (write softplus(…) + 1 of a 1-wide output)",
                1)
        }
        guard draws[0] == draws[1] else {
            throw FunctionProblem(
                "\(name) needs loc and kappa from the same draws; found \(draws[0]) and \(draws[1])", 1)
        }
        return loc
    }
}

/// Wood's proposal for the component along the mean direction, for one concentration κ on S^{m−1}.
struct WoodProposal {
    let kappa: Double, b: Double, a: Double, d: Double, c: Double
    let m1: Double

    init(kappa raw: Double, dimension: Int) {
        kappa = max(raw, 0)
        m1 = Double(dimension - 1)
        c = (4 * kappa * kappa + m1 * m1).squareRoot()
        // (−2κ + c)/(m − 1), written without the cancellation at large κ.
        b = m1 / (2 * kappa + c)
        a = (m1 + 2 * kappa + c) / 4
        d = 4 * a * b / (1 + b) - m1 * log(m1)
    }

    func accepts(_ epsilon: Double, logUniform: Double) -> Bool {
        let t = 2 * a * b / (1 - (1 - b) * epsilon)
        return m1 * log(t) - t + d > logUniform
    }

    func w(_ epsilon: Double) -> Double { (1 - (1 + b) * epsilon) / (1 - (1 - b) * epsilon) }

    /// 1 − w², exactly: 4bε(1 − ε)/(1 − (1 − b)ε)².
    func oneMinusSquare(_ epsilon: Double) -> Double {
        let denominator = 1 - (1 - b) * epsilon
        return 4 * b * epsilon * (1 - epsilon) / (denominator * denominator)
    }
}

/// z′ = (w, √(1 − w²)·v) of one row, from the kept ε and v, with what backward needs of w.
struct TangentPoint {
    let kept: UnsafeMutablePointer<Float>
    let w: Double, radius: Double
    /// d√(1 − w²)/dw; 0 where pythae's floor of 1e-10 on 1 − w² holds.
    let slope: Double
    /// dw/dκ at the fixed ε: (1 − w²)/√(4κ² + (m−1)²); 0 for a row that kept no proposal or κ < 0.
    let dwdKappa: Double

    init(kept: UnsafeMutablePointer<Float>, wood: WoodProposal) {
        self.kept = kept
        let epsilon = Double(kept[0])
        guard epsilon >= 0 else {
            (w, radius, slope, dwdKappa) = (0, 1, 0, 0)
            return
        }
        w = wood.w(epsilon)
        let square = wood.oneMinusSquare(epsilon)
        radius = max(square, 1e-10).squareRoot()
        slope = square > 1e-10 ? -w / radius : 0
        dwdKappa = wood.kappa > 0 ? square / wood.c : 0
    }

    func v(_ j: Int) -> Double { Double(kept[j]) }
    subscript(_ j: Int) -> Double { j == 0 ? w : radius * Double(kept[j]) }
}

/// The Householder reflection I − 2uuᵀ, u = r/(‖r‖ + 10⁻⁸), r = e₁ − μ, μ = loc/‖loc‖: it takes
/// the first axis to μ (pythae's 10⁻⁸ makes it the identity where μ is that axis).
struct Reflection {
    let loc: UnsafeMutablePointer<Float>
    let width: Int
    let norm: Double, rNorm: Double, denominator: Double

    init(loc: UnsafeMutablePointer<Float>, width: Int) {
        (self.loc, self.width) = (loc, width)
        let squares = (0..<width).reduce(0.0) { $0 + Double(loc[$1]) * Double(loc[$1]) }
        norm = max(squares.squareRoot(), Double.leastNormalMagnitude)
        let (length, values) = (norm, loc)
        let rSquares = (0..<width).reduce(0.0) { sum, j in
            let r = (j == 0 ? 1 : 0) - Double(values[j]) / length
            return sum + r * r
        }
        rNorm = rSquares.squareRoot()
        denominator = rNorm + 1e-8
    }

    func mu(_ j: Int) -> Double { Double(loc[j]) / norm }
    func r(_ j: Int) -> Double { (j == 0 ? 1 : 0) - mu(j) }
    func u(_ j: Int) -> Double { r(j) / denominator }

    /// Component j of the gradient of r from that of u = r/(‖r‖ + δ), given r·du and r_j.
    func dr(_ du: Double, rdu: Double, r: Double) -> Double {
        guard rNorm > 0 else { return du / denominator }
        return du / denominator - r * rdu / (rNorm * denominator * denominator)
    }

    /// The dot products backward combines: r and μ with the output's gradient g and with z′, and μ·r.
    func dots(_ g: UnsafeMutablePointer<Float>, _ tangent: TangentPoint) -> (
        rg: Double, rz: Double, mg: Double, mz: Double, mr: Double
    ) {
        var (rg, rz, mg, mz, mr) = (0.0, 0.0, 0.0, 0.0, 0.0)
        for j in 0..<width {
            let (rj, mj, gj, zj) = (r(j), mu(j), Double(g[j]), tangent[j])
            (rg, rz, mg, mz, mr) = (rg + rj * gj, rz + rj * zj, mg + mj * gj, mz + mj * zj, mr + mj * rj)
        }
        return (rg, rz, mg, mz, mr)
    }
}
