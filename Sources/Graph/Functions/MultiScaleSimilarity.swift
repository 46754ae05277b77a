#if canImport(Glibc)
    import Glibc
#endif
import Kernels
import Spec

/// `ms_ssim(prediction, target)`: 1 − MS-SSIM of the whole batch, as pythae 0.1.2's MSSSIM_VAE
/// defines it (after Wang et al., 2003): one number per batch, in [0, 1].
///
/// Both arguments are images, height × width × channels (the function reads the three from the
/// shape; a flat batch is refused). At each scale a Gaussian window (σ 1.5, `window:` taps, 11 by
/// default, zeros beyond the edges) gives the means, variances and covariance of every value; the
/// batch means of contrast-structure cs_s and of ssim are mapped to (m + 1)/2, and the scales are
/// 2×2 average pools of the one before. The number of scales and their weights w_s follow the
/// smaller side (4 scales for 28×28). pythae's product repeats the last scale's ssim factor once per
/// other scale: MS-SSIM = Π_{s<S−1} cs_s^{w_s} · ssim_{S−1}^{(S−1)·w_{S−1}}, and so does this.
public struct MultiScaleSimilarity: TermFunction {
    public let height: Int
    public let width: Int
    public let channels: Int
    public let window: Int
    /// The window's normalised 1-D taps: the 2-D window is their outer product.
    let taps: [Float]
    /// One weight per scale, finest first.
    let weights: [Double]
    public var description: String { "ms_ssim(\(height)×\(width)×\(channels), window: \(window))" }

    init(height: Int, width: Int, channels: Int, window: Int) {
        (self.height, self.width, self.channels, self.window) = (height, width, channels, window)
        let raw = (0..<window).map { Float(exp(-Double(($0 - window / 2) * ($0 - window / 2)) / (2 * 1.5 * 1.5))) }
        let sum = raw.reduce(0, +)
        taps = raw.map { $0 / sum }
        weights = Self.weights(smallerSide: min(height, width))
    }

    /// pythae's scale weights for images whose smaller side is `side` (at least 4).
    static func weights(smallerSide side: Int) -> [Double] {
        if side < 8 { return [0.3222, 0.6778] }
        if side < 16 { return [0.4558, 0.1633, 0.3809] }
        if side < 32 { return [0.3117, 0.3384, 0.2675, 0.0824] }
        return [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
    }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(2...2)
        let window = try arguments.keyword("window", allowed: ["window"], in: 1...63) ?? 11
        guard window == window.rounded(), Int(window) % 2 == 1 else {
            var problem = FunctionProblem(
                "ms_ssim's window must be an odd number of pixels; found \(LossExpression.format(window))")
            problem.keyword = "window"
            throw problem
        }
        let prediction = try arguments.batch(0, "prediction"), target = try arguments.batch(1, "target")
        guard prediction.count == 3 else {
            throw FunctionProblem(
                "ms_ssim compares images of height×width×channels; found \(prediction.shapeText) "
                    + "(read the data as images, e.g. data.shape: [28, 28, 1], and end the network with reshape)", 0)
        }
        guard prediction == target else {
            throw FunctionProblem(
                "ms_ssim compares images of one shape; found \(prediction.shapeText) and \(target.shapeText)", 1)
        }
        guard min(prediction[0], prediction[1]) >= 4 else {
            throw FunctionProblem(
                "ms_ssim needs images of at least 4×4 pixels (one scale leaves MS-SSIM a constant); found \(prediction.shapeText)",
                0)
        }
        guard arguments.draws[0] == arguments.draws[1] else {
            throw FunctionProblem(
                "ms_ssim compares one image with one image, but its arguments come from \(arguments.draws[0]) and \(arguments.draws[1]) draws",
                1)
        }
        let function = MultiScaleSimilarity(
            height: prediction[0], width: prediction[1], channels: prediction[2], window: Int(window))
        return .term(function, inputs: [0, 1])
    }

    /// Each scale's images for `batch` samples, finest first.
    func scales(batch: Int) -> [ImageGeometry] {
        var geometry = ImageGeometry(images: batch, height: height, width: width, channels: channels)
        var scales: [ImageGeometry] = []
        for _ in weights {
            scales.append(geometry)
            geometry = geometry.halved
        }
        return scales
    }

    /// Where the buffers sit in scratch: the work buffers shared by every scale, then each scale's
    /// pooled x and y (the inputs themselves at the finest), five moment maps and gradients of x and y.
    struct Layout {
        var x: [UnsafeMutablePointer<Float>] = [], y: [UnsafeMutablePointer<Float>] = []
        var maps: [UnsafeMutablePointer<Float>] = []
        var dx: [UnsafeMutablePointer<Float>] = [], dy: [UnsafeMutablePointer<Float>] = []
        var products: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>
        var adjoints: UnsafeMutablePointer<Float>
        var end: Int
    }

    func layout(_ scales: [ImageGeometry], inputs: [UnsafeMutablePointer<Float>], scratch: UnsafeMutablePointer<Float>)
        -> Layout
    {
        var offset = 0
        func take(_ count: Int) -> UnsafeMutablePointer<Float> {
            defer { offset += count }
            return scratch + offset
        }
        let finest = scales[0].count
        var layout = Layout(
            products: take(finest), work: take(blurWorkCount(scales[0], tapCount: window)), adjoints: take(5 * finest),
            end: 0)
        for (index, scale) in scales.enumerated() {
            layout.x.append(index == 0 ? inputs[0] : take(scale.count))
            layout.y.append(index == 0 ? inputs[1] : take(scale.count))
            layout.maps.append(take(5 * scale.count))
            layout.dx.append(take(scale.count))
            layout.dy.append(take(scale.count))
        }
        layout.end = offset
        return layout
    }

    public func scratch(inputs: [SampleShape], batch: Int) -> Int {
        let scales = scales(batch: batch)
        return 6 * scales[0].count + blurWorkCount(scales[0], tapCount: window) + scales.reduce(0) { $0 + 9 * $1.count }
    }

    /// MS-SSIM from each scale's mean similarity (cs, and ssim at the coarsest), and the power each
    /// factor (m + 1)/2 carries.
    func combine(_ means: [Double]) -> (value: Double, exponents: [Double]) {
        let last = weights.count - 1
        let exponents = weights.indices.map { $0 < last ? weights[$0] : Double(last) * weights[last] }
        var product = 1.0
        for (mean, exponent) in zip(means, exponents) { product *= pow((mean + 1) / 2, exponent) }
        return (product, exponents)
    }

    /// Pools the scales and writes their moment maps; returns each scale's mean similarity.
    func means(_ scales: [ImageGeometry], _ l: Layout) -> [Double] {
        taps.withUnsafeBufferPointer { taps in
            scales.indices.map { s in
                if s > 0 {
                    averagePoolHalf(l.x[s - 1], into: l.x[s], geometry: scales[s - 1])
                    averagePoolHalf(l.y[s - 1], into: l.y[s], geometry: scales[s - 1])
                }
                similarityMoments(
                    x: l.x[s], y: l.y[s], geometry: scales[s], taps: taps.baseAddress!, tapCount: window,
                    maps: l.maps[s], products: l.products, work: l.work)
                return meanSimilarity(maps: l.maps[s], count: scales[s].count, luminance: s == scales.count - 1)
            }
        }
    }

    public func forward(_ b: TermBuffers) -> Double {
        guard b.batch > 0 else { return 0 }
        let scales = scales(batch: b.batch)
        return 1 - combine(means(scales, layout(scales, inputs: b.inputs, scratch: b.scratch))).value
    }

    public func backward(_ b: TermBuffers, upstream: Double) {
        guard b.batch > 0, b.dInputs[0] != nil || b.dInputs[1] != nil else { return }
        let scales = scales(batch: b.batch), l = layout(scales, inputs: b.inputs, scratch: b.scratch)
        let last = scales.count - 1
        let means = scales.indices.map {
            meanSimilarity(maps: l.maps[$0], count: scales[$0].count, luminance: $0 == last)
        }
        let (product, exponents) = combine(means)
        taps.withUnsafeBufferPointer { taps in
            for s in stride(from: last, through: 0, by: -1) {
                if s == last {
                    l.dx[s].update(repeating: 0, count: scales[s].count)
                    l.dy[s].update(repeating: 0, count: scales[s].count)
                } else {
                    averagePoolHalfBackward(l.dx[s + 1], into: l.dx[s], geometry: scales[s])
                    averagePoolHalfBackward(l.dy[s + 1], into: l.dy[s], geometry: scales[s])
                }
                // ∂(1 − P)/∂mean_s = −P · exponent_s / (2 · (mean_s + 1)/2).
                let factor = -upstream * product * exponents[s] / (means[s] + 1)
                addMeanSimilarityGradient(
                    x: l.x[s], y: l.y[s], maps: l.maps[s], geometry: scales[s], luminance: s == last, factor: factor,
                    taps: taps.baseAddress!, tapCount: window, adjoints: l.adjoints, work: l.work,
                    dx: b.dInputs[0] == nil ? nil : l.dx[s], dy: b.dInputs[1] == nil ? nil : l.dy[s])
            }
        }
        for (side, gradient) in [l.dx[0], l.dy[0]].enumerated() {
            guard let destination = b.dInputs[side] else { continue }
            for i in 0..<scales[0].count { write(gradient[i], to: destination, at: i) }
        }
    }
}
