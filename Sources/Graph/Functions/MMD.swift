import Kernels

/// `mmd(a, b)`: the unbiased estimate of the squared maximum mean discrepancy between two batches
/// of codes, with the inverse multiquadric kernel k(u, v) = C / (C + ‖u − v‖²), C = 2·d (the WAE
/// paper's choice for a unit-variance prior in d dimensions; `scale:` sets C):
/// 1/(n(n−1)) Σ_{i≠j} k(a_i, a_j) + 1/(n(n−1)) Σ_{i≠j} k(b_i, b_j) − 2/n² Σ_{i,j} k(a_i, b_j).
public struct MMD: TermFunction {
    public let width: Int
    public let scale: Double
    public var description: String { "mmd(\(width), C: \(scale))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(2...2)
        let a = try arguments.flat(0, "first batch"), b = try arguments.flat(1, "second batch")
        guard a == b else { throw FunctionProblem("mmd compares codes of one size; found \(a) and \(b)", 1) }
        let scale = try arguments.keyword("scale", allowed: ["scale"], in: 1e-12...1e12) ?? Double(2 * a)
        return .term(MMD(width: a, scale: scale), inputs: [0, 1])
    }

    /// k(u, v) for rows `u` and `v`.
    @inline(__always)
    func kernel(_ u: UnsafePointer<Float>, _ v: UnsafePointer<Float>) -> Double {
        var distance = 0.0
        for k in 0..<width {
            let d = Double(u[k]) - Double(v[k])
            distance += d * d
        }
        return scale / (scale + distance)
    }

    public func forward(_ b: TermBuffers) -> Double {
        let n = b.batch
        guard n > 1 else { return 0 }
        let (p, q) = (UnsafePointer(b.inputs[0]), UnsafePointer(b.inputs[1]))
        var within = 0.0, across = 0.0
        for i in 0..<n {
            for j in 0..<n {
                if i != j {
                    within += kernel(p + i * width, p + j * width) + kernel(q + i * width, q + j * width)
                }
                across += kernel(p + i * width, q + j * width)
            }
        }
        return within / Double(n * (n - 1)) - 2 * across / Double(n * n)
    }

    public func backward(_ b: TermBuffers, upstream: Double) {
        let n = b.batch
        for side in 0..<2 {
            guard let gradient = b.dInputs[side] else { continue }
            let (mine, other) = (UnsafePointer(b.inputs[side]), UnsafePointer(b.inputs[1 - side]))
            var row = [Double](repeating: 0, count: width)
            for i in 0..<n {
                for k in 0..<width { row[k] = 0 }
                if n > 1 {
                    // ∂k(u, v)/∂u = −2 (u − v) k² / C; each within pair counts twice (i, j) and (j, i).
                    add(&row, mine + i * width, mine, n, skip: i, factor: 2 / Double(n * (n - 1)))
                    add(&row, mine + i * width, other, n, skip: nil, factor: -2 / Double(n * n))
                }
                for k in 0..<width { write(Float(upstream * row[k]), to: gradient, at: i * width + k) }
            }
        }
    }

    /// Adds `factor · Σ_j ∂k(u, v_j)/∂u` over the rows `v_j` of `rows` (all but `skip`) into `row`.
    private func add(
        _ row: inout [Double], _ u: UnsafePointer<Float>, _ rows: UnsafePointer<Float>, _ n: Int, skip: Int?,
        factor: Double
    ) {
        for j in 0..<n where j != skip {
            let v = rows + j * width
            let k = kernel(u, v)
            let weight = factor * -2 * k * k / scale
            for c in 0..<width { row[c] += weight * (Double(u[c]) - Double(v[c])) }
        }
    }
}
