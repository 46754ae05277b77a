import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// The S-VAE's functions: `sample_von_mises` and `kl_von_mises` pass their gradients back as
/// finite differences of the loss say, the Bessel functions under the KL agree with SciPy, and the
/// draws lie on the sphere with the mean cosine the distribution has.
struct VonMisesFisherTests {
    /// An encoder giving a 3-wide direction and one raw concentration, and a decoder of the draw.
    static func spec(_ loss: String) -> String {
        """
        data: {source: mnist, shape: [6]}
        networks:
          enc:
            input: [6]
            layers: [dense: 5, tanh, dense: 4]
            outputs: {loc: 3, c: 1}
          dec:
            layers: [dense: 4, tanh, dense: 6]
        phases:
          - {name: p, loss: "\(loss)", update: [enc, dec]}
        """
    }

    /// The draw as the S-VAE writes it: κ = softplus(c) + 1, scaled by `scale`.
    static func draw(scale: Int = 1) -> String {
        let kappa = scale == 1 ? "softplus(enc(x).c) + 1" : "\(scale) * softplus(enc(x).c) + 1"
        return "sample_von_mises(enc(x).loc, \(kappa))"
    }

    @Test(arguments: [1, 40])
    func sampleVonMisesGradientsMatchWithTheAcceptedProposalsHeldFixed(_ scale: Int) throws {
        // The same seed replays the same proposals; a step of 1e-2 moves κ too little to flip an
        // acceptance at these seeds, so the loss is smooth in the weights between the draws.
        let check = try GradientCheck(Self.spec("sse(dec(\(Self.draw(scale: scale))), x)"))
        #expect(check.check() > 30)
    }

    @Test(arguments: [1, 20, 100])
    func klVonMisesGradientsMatchOnBothSidesOfTheBesselCrossover(_ scale: Int) throws {
        let kappa = scale == 1 ? "softplus(enc(x).c) + 1" : "\(scale) * softplus(enc(x).c) + 1"
        let check = try GradientCheck(Self.spec("kl_von_mises(enc(x).loc, \(kappa)) + sse(dec(enc(x).loc), x)"))
        #expect(check.check() > 30)
    }

    @Test func aConstantAddedToOrTakenFromABatchIsTheBatchShifted() throws {
        let forms = ["sse(dec(enc(x).loc) - 1, 0)", "sse(1 - dec(enc(x).loc), 0)", "sse(dec(enc(x).loc), 1)"]
        let losses = try forms.map { try GradientCheck(Self.spec($0)).programs[0].forward(batch: 3) }
        #expect(abs(losses[0] - losses[2]) <= 1e-6 * losses[2] && abs(losses[1] - losses[2]) <= 1e-6 * losses[2])
        let check = try GradientCheck(Self.spec("sse(dec(concat(softplus(enc(x).c) + 1, 2 - enc(x).loc)), x)"))
        #expect(check.check() > 30)
    }

    /// 20,000 draws on S^15 around one direction: each of unit length, and the mean of their cosine
    /// with the direction A(κ) = I_8(κ)/I_7(κ) within four standard errors.
    @Test(arguments: [0.0, 5.0, 1000.0])
    func drawsLieOnTheSphereWithTheMeanCosineOfTheirConcentration(_ kappa: Double) {
        let (rows, width) = (20_000, 16)
        let loc = FloatBuffer(count: rows * width), concentration = FloatBuffer(count: rows)
        let output = FloatBuffer(count: rows * width), scratch = FloatBuffer(count: rows * width)
        let direction = (0..<width).map { Float(3 * sin(Double($0) + 1)) }
        loc.set((0..<(rows * width)).map { direction[$0 % width] })
        concentration.set(Array(repeating: Float(kappa), count: rows))
        let buffers = FunctionBuffers(
            batch: rows, inputShapes: [[width], [1]], outputShape: [width],
            inputs: [loc.pointer, concentration.pointer],
            output: output.pointer, dInputs: [nil, nil], dOutput: scratch.pointer, scratch: scratch.pointer)
        var random = RandomStream(seed: 5, name: "von mises")
        SampleVonMises(width: width).forward(buffers, random: &random)
        let norm = direction.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let z = output.values
        var (cosines, worstLength) = ([Double](), 0.0)
        for row in 0..<rows {
            let values = (0..<width).map { Double(z[row * width + $0]) }
            worstLength = max(worstLength, abs(values.reduce(0) { $0 + $1 * $1 } - 1))
            cosines.append((0..<width).reduce(0.0) { $0 + values[$1] * Double(direction[$1]) / norm })
        }
        #expect(worstLength < 1e-5)
        let mean = cosines.reduce(0, +) / Double(rows)
        let variance = cosines.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rows - 1)
        let expected = ModifiedBessel.ratio(order: 7, at: kappa)
        #expect(abs(mean - expected) < 4 * (variance / Double(rows)).squareRoot(), "mean \(mean), A(κ) \(expected)")
    }

    /// (ν, κ, log ive(ν, κ), ive(ν + 1, κ)/ive(ν, κ)) from SciPy 1.17.1's `scipy.special.ive`, whose
    /// ive(ν, κ) = e^(−κ)·I_ν(κ): both sides of the crossover at max(30, ν²).
    static let scipyBessel: [(Double, Double, Double, Double)] = [
        (0.5, 0.001, -3.6806688254691333, 0.00033333331111111344),
        (0.5, 0.5, -1.0310400883117807, 0.1639534137386528),
        (0.5, 1.0, -1.0643519910735304, 0.31303528549933124),
        (0.5, 5.0, -1.7237028903820855, 0.8000908039820193),
        (0.5, 29.9, -2.617867773402993, 0.9665551839464884),
        (0.5, 30.1, -2.621201119082088, 0.9667774086378738),
        (0.5, 63.9, -2.997598213896417, 0.9843505477308294),
        (0.5, 64.1, -2.9991607151679847, 0.984399375975039),
        (0.5, 100.0, -3.2215236261987186, 0.9900000000000001),
        (0.5, 1000.0, -4.3728161726957415, 0.999),
        (0.5, 5000.0, -5.177535128912791, 0.9997999999999999),
        (7.0, 0.001, -61.73247854660999, 6.249999978298523e-05),
        (7.0, 0.5, -18.721412776219335, 0.03122291557263097),
        (7.0, 1.0, -14.34599565362448, 0.062284332675995424),
        (7.0, 5.0, -6.360669727472671, 0.2889661895768646),
        (7.0, 29.9, -3.4431578246206302, 0.7769745647451941),
        (7.0, 30.1, -3.440966090231067, 0.7782719086759612),
        (7.0, 48.9, -3.3666017655084524, 0.8569785648898218),
        (7.0, 49.1, -3.3665805024450766, 0.8575187066121863),
        (7.0, 63.9, -3.3816895857313183, 0.8886754829683884),
        (7.0, 64.1, -3.382046603542477, 0.8890038388086088),
        (7.0, 100.0, -3.4664028249679206, 0.9274591621097228),
        (7.0, 1000.0, -4.397203273081675, 0.9925243991133805),
        (7.0, 5000.0, -5.182410615717658, 0.9985009751945828),
        (8.0, 0.001, -71.41282255130415, 5.5555555401234734e-05),
        (8.0, 0.5, -22.188015756497922, 0.027758511974651557),
        (8.0, 1.0, -17.12204102036633, 0.05540200939493704),
        (8.0, 5.0, -7.60211531626988, 0.2606124732596131),
        (8.0, 29.9, -3.6955054889765986, 0.7519263617761152),
        (8.0, 30.1, -3.6916454090818633, 0.7533365139035156),
        (8.0, 63.9, -3.49971273187248, 0.8748789204210797),
        (8.0, 64.1, -3.4997003289001127, 0.8752445509197758),
        (8.0, 100.0, -3.5417093405081994, 0.9182145897672364),
        (8.0, 1000.0, -4.404706956315083, 0.9915319064128773),
        (8.0, 5000.0, -5.18391076518483, 0.9983012752542629),
        (49.0, 0.001, -517.010964458907, 9.999999999020085e-06),
        (49.0, 0.5, -212.99291765653766, 0.004999877456871912),
        (49.0, 1.0, -179.52495603884884, 0.009999019796335655),
        (49.0, 5.0, -104.54265078197253, 0.04987803669349641),
        (49.0, 29.9, -37.64129316866032, 0.27652426917038586),
        (49.0, 30.1, -37.459161534826585, 0.2781125907266409),
        (49.0, 63.9, -21.109057146156477, 0.48842854205400826),
        (49.0, 64.1, -21.058152066478435, 0.4893705140141854),
        (49.0, 100.0, -15.055019896046078, 0.6195656141853887),
        (49.0, 1000.0, -5.573551262722221, 0.951700854707637),
        (49.0, 5000.0, -5.417632218917598, 0.9901480234522942),
    ]

    @Test func besselLogarithmsAndRatiosAgreeWithSciPy() {
        for (order, kappa, logIve, ratio) in Self.scipyBessel {
            let value = ModifiedBessel.logScaled(order: order, at: kappa) + order * log(kappa) - kappa
            #expect(abs(value - logIve) <= 1e-12 * max(1, kappa, abs(logIve)), "log ive(\(order), \(kappa)) \(value)")
            let mine = ModifiedBessel.ratio(order: order, at: kappa)
            #expect(abs(mine - ratio) <= 1e-12 * ratio, "ratio at ν \(order), κ \(kappa): \(mine), SciPy \(ratio)")
        }
    }

    /// (m, κ, KL) from pythae's `_compute_kl` formula evaluated by mpmath with 50 digits (SciPy's
    /// float64 `ive` in the same formula is off by up to 10⁻⁹ at κ = 5000, where its terms cancel).
    static let exactDivergence: [(Int, Double, Double)] = [
        (3, 0.001, 1.6666665000000176e-7),
        (3, 1.0, 0.15159592392813567),
        (3, 1.5, 0.30686855908457913),
        (3, 10.0, 1.9957323168382172),
        (3, 48.9, 3.5829245770407717),
        (3, 49.1, 3.5870062153604202),
        (3, 63.9, 3.8504665419434344),
        (3, 64.1, 3.8535915444865697),
        (3, 500.0, 5.9077552789821371),
        (3, 5000.0, 8.2103403719761827),
        (16, 0.001, 3.1249999837239584e-8),
        (16, 1.0, 0.031088361315444227),
        (16, 1.5, 0.069501183033541582),
        (16, 10.0, 2.1447425388154296),
        (16, 48.9, 10.224103739001492),
        (16, 49.1, 10.250570615721738),
        (16, 63.9, 11.992096852110741),
        (16, 64.1, 12.013111593675658),
        (16, 500.0, 26.748951095461571),
        (16, 5000.0, 43.930447303560443),
    ]

    @Test func klVonMisesIsPythaesFormulaAndZeroAtTheUniformDistribution() {
        for (dimension, kappa, expected) in Self.exactDivergence {
            let value = KLVonMises.divergence(dimension: dimension, kappa: kappa)
            // Terms near log Γ(m/2) and near κ in size cancel, so the error is absolute.
            #expect(abs(value - expected) <= 1e-13 * max(10, kappa), "m \(dimension), κ \(kappa): \(value)")
        }
        #expect(abs(KLVonMises.divergence(dimension: 16, kappa: 0)) < 1e-13)
        #expect(abs(KLVonMises.divergence(dimension: 16, kappa: -3)) < 1e-13)
    }

    /// For m = 16 (ν = 7) the crossover is at κ = 49.
    @Test(arguments: [0.01, 0.5, 1, 5, 48.999, 49.001, 300, 5000])
    func klVonMisesSlopeIsTheDerivativeOfTheKL(_ kappa: Double) {
        let step = 1e-4 * kappa
        let (above, below) = (
            KLVonMises.divergence(dimension: 16, kappa: kappa + step),
            KLVonMises.divergence(dimension: 16, kappa: kappa - step)
        )
        let numeric = (above - below) / (2 * step)
        let slope = KLVonMises.slope(dimension: 16, kappa: kappa)
        #expect(abs(slope - numeric) <= 1e-8 + 1e-6 * abs(slope), "κ \(kappa): slope \(slope), numeric \(numeric)")
    }
}
