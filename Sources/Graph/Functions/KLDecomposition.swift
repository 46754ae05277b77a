#if canImport(Glibc)
    import Glibc
#endif
import Kernels

/// The three parts of the KL term that Chen et al. (2018) separate for β-TCVAE, each a term of
/// `(z, mu, logvar, dataset: N)`, z a draw of q(z|x) per sample (`sample_normal(mu, logvar)`):
///
/// - `mutual_information`: the index-code mutual information, mean of log q(z|x) − log q(z);
/// - `total_correlation`: mean of log q(z) − Σ_d log q(z_d);
/// - `dimensionwise_kl`: mean of Σ_d log q(z_d) − log p(z), p = N(0, I).
///
/// Their sum is log q(z|x) − log p(z), the one-draw estimate of `kl_normal`. The aggregate
/// posterior q(z), and each marginal q(z_d), is estimated from every pair of the batch by minibatch
/// stratified sampling (their appendix, and pythae's default): q(z_i) ≈ Σ_j w_ij q(z_i | x_j) with
/// weight 1/N on the sample's own posterior, (N − M)/(N·M) on the next sample's and 1/M on each
/// other, M = batch − 1 and N the number of training images (a dataset smaller than M counts as M).
public struct KLDecomposition: TermFunction {
    /// Which part of the decomposition the term is.
    public enum Part: Sendable {
        case mutualInformation, totalCorrelation, dimensionwiseKL
    }

    public let part: Part
    public let width: Int
    public let dataset: Double
    public var description: String { "\(part)(\(width), dataset: \(dataset))" }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        let name = arguments.function.rawValue
        try arguments.expect(3...3)
        guard let dataset = try arguments.keyword("dataset", allowed: ["dataset"], in: 1...1e12) else {
            throw FunctionProblem(
                "\(name) needs the number of training images, as in \(name)(z, mu, logvar, dataset: 4500)")
        }
        let z = try arguments.flat(0, "code")
        for (index, role) in [(1, "mean"), (2, "log-variance")] {
            let size = try arguments.flat(index, role)
            guard size == z else {
                throw FunctionProblem(
                    "\(name) needs z, mu and logvar of one size; found z of \(z) and \(role) of \(size)", index)
            }
        }
        let part: Part
        switch arguments.function {
        case .mutualInformation: part = .mutualInformation
        case .totalCorrelation: part = .totalCorrelation
        default: part = .dimensionwiseKL
        }
        return .term(KLDecomposition(part: part, width: z, dataset: dataset), inputs: [0, 1, 2])
    }

    /// The factors of mean log q(z|x), log q(z), Σ_d log q(z_d) and log p(z) in the term.
    var factors: (own: Float, joint: Float, marginals: Float, prior: Float) {
        switch part {
        case .mutualInformation: return (1, -1, 0, 0)
        case .totalCorrelation: return (0, 1, -1, 0)
        case .dimensionwiseKL: return (0, 0, 1, -1)
        }
    }

    /// e^−logvar and −½(log 2π + logvar) per value, three gradients, two per-feature rows, and per
    /// sample i: the posterior weights over j of log q(z_i) and log q(z_i,d | x_j) for every j, d
    /// (in place, the weights over j of each log q(z_i,d)).
    public func scratch(inputs: [SampleShape], batch: Int) -> Int {
        batch * width * 5 + 2 * width + batch * batch * (width + 1)
    }

    public func forward(_ b: TermBuffers) -> Double {
        let (n, d) = (b.batch, width)
        guard n > 0 else { return 0 }
        let s = Regions(b.scratch, batch: n, width: d)
        let (z, mu, logvar) = (b.inputs[0], b.inputs[1], b.inputs[2])
        for k in 0..<(n * d) {
            s.inverseVariance[k] = expf(-logvar[k])
            s.normalizer[k] = -0.5 * (Float(Self.logTwoPi) + logvar[k])
        }
        let weights = StratifiedWeights(batch: n, dataset: dataset)
        let factors = self.factors
        var total = 0.0
        for i in 0..<n {
            let row = s.rows + i * n * d
            for j in 0..<n {
                for k in 0..<d {
                    let difference = z[i * d + k] - mu[j * d + k]
                    row[j * d + k] =
                        s.normalizer[j * d + k] - 0.5 * difference * difference * s.inverseVariance[j * d + k]
                }
            }
            if factors.own != 0 {
                var own = 0.0
                for k in 0..<d { own += Double(row[i * d + k]) }
                total += Double(factors.own) * own
            }
            if factors.joint != 0 {
                total += Double(factors.joint) * joint(row, sample: i, n, weights, posterior: s.posterior + i * n)
            }
            if factors.marginals != 0 {
                total += Double(factors.marginals) * marginals(row, sample: i, n, weights, s)
            }
            if factors.prior != 0 {
                for k in 0..<d {
                    let v = Double(z[i * d + k])
                    total -= Double(factors.prior) * 0.5 * (Self.logTwoPi + v * v)
                }
            }
        }
        return total / Double(n)
    }

    /// log q(z_i) from row i's log q(z_i,d | x_j); writes its weights over j into `posterior`.
    private func joint(
        _ row: UnsafeMutablePointer<Float>, sample i: Int, _ n: Int, _ weights: StratifiedWeights,
        posterior: UnsafeMutablePointer<Float>
    ) -> Double {
        var largest = -Double.infinity
        for j in 0..<n {
            var sum = Double(weights(i, j, n))
            for k in 0..<width { sum += Double(row[j * width + k]) }
            posterior[j] = Float(sum)
            largest = max(largest, sum)
        }
        var total = 0.0
        for j in 0..<n { total += exp(Double(posterior[j]) - largest) }
        let value = largest + log(total)
        for j in 0..<n { posterior[j] = Float(exp(Double(posterior[j]) - value)) }
        return value
    }

    /// Σ_d log q(z_i,d); turns row i into each log q(z_i,d)'s weights over j.
    private func marginals(
        _ row: UnsafeMutablePointer<Float>, sample i: Int, _ n: Int, _ weights: StratifiedWeights, _ s: Regions
    ) -> Double {
        let d = width
        for k in 0..<d { s.largest[k] = -.infinity }
        for j in 0..<n {
            let w = weights(i, j, n)
            for k in 0..<d {
                row[j * d + k] += w
                s.largest[k] = max(s.largest[k], row[j * d + k])
            }
        }
        for j in 0..<n {
            for k in 0..<d { row[j * d + k] -= s.largest[k] }
        }
        exponentiate(row, count: n * d)
        for k in 0..<d { s.sums[k] = 0 }
        for j in 0..<n {
            for k in 0..<d { s.sums[k] += row[j * d + k] }
        }
        var value = 0.0
        for k in 0..<d { value += Double(s.largest[k]) + log(Double(s.sums[k])) }
        for j in 0..<n {
            for k in 0..<d { row[j * d + k] /= s.sums[k] }
        }
        return value
    }

    public func backward(_ b: TermBuffers, upstream: Double) {
        let (n, d) = (b.batch, width)
        guard n > 0 else { return }
        let s = Regions(b.scratch, batch: n, width: d)
        let (z, mu) = (b.inputs[0], b.inputs[1])
        let factors = self.factors
        let scale = Float(upstream / Double(n))
        for k in 0..<(n * d) { (s.dz[k], s.dMu[k], s.dLogvar[k]) = (0, 0, 0) }
        for i in 0..<n {
            let row = s.rows + i * n * d
            for j in 0..<n {
                var shared: Float = i == j ? factors.own : 0
                if factors.joint != 0 { shared += factors.joint * s.posterior[i * n + j] }
                for k in 0..<d {
                    let weight = scale * (factors.marginals != 0 ? shared + factors.marginals * row[j * d + k] : shared)
                    let difference = z[i * d + k] - mu[j * d + k]
                    let q = difference * s.inverseVariance[j * d + k]
                    s.dz[i * d + k] -= weight * q
                    s.dMu[j * d + k] += weight * q
                    s.dLogvar[j * d + k] += weight * 0.5 * (difference * q - 1)
                }
            }
            for k in 0..<d { s.dz[i * d + k] -= scale * factors.prior * z[i * d + k] }
        }
        for (index, gradient) in [s.dz, s.dMu, s.dLogvar].enumerated() {
            guard let destination = b.dInputs[index] else { continue }
            for k in 0..<(n * d) { write(gradient[k], to: destination, at: k) }
        }
    }

    static let logTwoPi = log(2 * Double.pi)
}

extension KLDecomposition {
    /// The log-weights of minibatch stratified sampling for a batch of `n`.
    struct StratifiedWeights {
        let own: Float, next: Float, other: Float

        init(batch n: Int, dataset: Double) {
            guard n > 1 else {
                (own, next, other) = (0, 0, 0)
                return
            }
            let m = Double(n - 1), images = max(dataset, m)
            own = Float(-log(images))
            next = Float(log((images - m) / (images * m)))
            other = Float(-log(m))
        }

        /// log w_ij.
        func callAsFunction(_ i: Int, _ j: Int, _ n: Int) -> Float {
            j == i ? own : j == (i + 1) % n ? next : other
        }
    }

    /// The parts of one application's scratch, for `batch` samples.
    struct Regions {
        let inverseVariance, normalizer, dz, dMu, dLogvar, largest, sums, posterior, rows: UnsafeMutablePointer<Float>

        init(_ scratch: UnsafeMutablePointer<Float>, batch n: Int, width d: Int) {
            inverseVariance = scratch
            normalizer = scratch + n * d
            dz = scratch + 2 * n * d
            dMu = scratch + 3 * n * d
            dLogvar = scratch + 4 * n * d
            largest = scratch + 5 * n * d
            sums = largest + d
            posterior = sums + d
            rows = posterior + n * n
        }
    }
}

/// e^x in place over `count` values, eight lanes at a time (the tail through the same arithmetic).
private func exponentiate(_ values: UnsafeMutablePointer<Float>, count: Int) {
    var index = 0
    while index + 8 <= count {
        storeLanes(exponentLanes(loadLanes(values + index)), values + index)
        index += 8
    }
    guard index < count else { return }
    var tail = Lanes(repeating: 0)
    for lane in 0..<(count - index) { tail[lane] = values[index + lane] }
    let result = exponentLanes(tail)
    for lane in 0..<(count - index) { values[index + lane] = result[lane] }
}
