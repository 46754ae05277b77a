/// The size of a batch of images stored height × width × channels each, one after another.
public struct ImageGeometry: Sendable, Equatable {
    public var images: Int
    public var height: Int
    public var width: Int
    public var channels: Int

    public init(images: Int, height: Int, width: Int, channels: Int) {
        (self.images, self.height, self.width, self.channels) = (images, height, width, channels)
    }

    /// Values in the whole batch.
    public var count: Int { images * height * width * channels }

    /// The batch after a 2×2 average pooling (odd last rows and columns dropped, as PyTorch's
    /// `avg_pool2d` does).
    public var halved: ImageGeometry {
        ImageGeometry(images: images, height: height / 2, width: width / 2, channels: channels)
    }
}

/// The work values `blurImages` needs for images of `geometry`: two copies of one image with a
/// border of `tapCount / 2` zeros.
public func blurWorkCount(_ g: ImageGeometry, tapCount: Int) -> Int {
    2 * (g.height + tapCount - 1) * (g.width + tapCount - 1) * g.channels
}

/// Blurs every channel of every image with the separable window `taps` (an odd count, centred),
/// reading zeros beyond the edges, so the result has the image's size: PyTorch's `conv2d` with
/// padding `taps / 2` and one group per channel. `work` holds `blurWorkCount` values, so
/// `destination` may be `source`. The operator is its own adjoint (a symmetric window): the
/// backward pass blurs gradients with it too.
public func blurImages(
    _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>,
    geometry g: ImageGeometry, taps: UnsafePointer<Float>, tapCount: Int
) {
    // Each image is copied inside a border of zeros as wide as the window's reach; then either pass
    // is one contiguous sweep over the whole padded image, eight values at a time, since no read
    // crosses more than a border. Values that land in the border are not read back.
    let radius = tapCount / 2, c = g.channels, rowLength = g.width * c
    let paddedRow = (g.width + 2 * radius) * c, plane = (g.height + 2 * radius) * paddedRow
    let (padded, across) = (work, work + plane)
    let (reach, rowsReach) = (radius * c, radius * paddedRow)
    for image in 0..<g.images {
        let (from, to) = (source + image * g.height * rowLength, destination + image * g.height * rowLength)
        padded.update(repeating: 0, count: plane)
        for i in 0..<g.height {
            (padded + (i + radius) * paddedRow + reach).update(from: from + i * rowLength, count: rowLength)
        }
        // Horizontal, over the rows that hold the image; the border rows stay zeros.
        across.update(repeating: 0, count: rowsReach)
        (across + plane - rowsReach).update(repeating: 0, count: rowsReach)
        correlate(padded, into: across, over: rowsReach..<(plane - rowsReach), step: c, taps: taps, radius: radius)
        // Vertical, back into `padded`, over the rows that hold the image.
        correlate(
            across, into: padded, over: rowsReach..<(plane - rowsReach), step: paddedRow, taps: taps, radius: radius)
        for i in 0..<g.height {
            (to + i * rowLength).update(from: padded + (i + radius) * paddedRow + reach, count: rowLength)
        }
    }
}

/// `output[p] = Σ_k taps[k] · input[p + (k − radius) · step]` for every p in `range`, eight values
/// at a time, each summed in tap order (the same bits on the vector and the scalar path).
@inline(__always)
private func correlate(
    _ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, over range: Range<Int>, step: Int,
    taps: UnsafePointer<Float>, radius: Int
) {
    var p = range.lowerBound
    while p + Lanes.scalarCount <= range.upperBound {
        var sum = Lanes(repeating: 0)
        for k in 0...(2 * radius) { sum += taps[k] * loadLanes(input + p + (k - radius) * step) }
        storeLanes(sum, output + p)
        p += Lanes.scalarCount
    }
    while p < range.upperBound {
        var sum: Float = 0
        for k in 0...(2 * radius) { sum += taps[k] * input[p + (k - radius) * step] }
        output[p] = sum
        p += 1
    }
}

/// Writes the five moment maps of x and y into `maps`, `geometry.count` values each: the windowed
/// means of x, y, x², y² and x·y, in that order. `products` holds `geometry.count` values and
/// `work` `blurWorkCount`.
public func similarityMoments(
    x: UnsafePointer<Float>, y: UnsafePointer<Float>, geometry: ImageGeometry, taps: UnsafePointer<Float>,
    tapCount: Int, maps: UnsafeMutablePointer<Float>, products: UnsafeMutablePointer<Float>,
    work: UnsafeMutablePointer<Float>
) {
    let n = geometry.count
    func blur(_ source: UnsafePointer<Float>, _ moment: Int) {
        blurImages(source, into: maps + moment * n, work: work, geometry: geometry, taps: taps, tapCount: tapCount)
    }
    blur(x, 0)
    blur(y, 1)
    for i in 0..<n { products[i] = x[i] * x[i] }
    blur(products, 2)
    for i in 0..<n { products[i] = y[i] * y[i] }
    blur(products, 3)
    for i in 0..<n { products[i] = x[i] * y[i] }
    blur(products, 4)
}

/// The five moments of value `i` of maps of `n` values each.
@inline(__always)
private func moments(_ maps: UnsafePointer<Float>, _ i: Int, _ n: Int) -> (Double, Double, Double, Double, Double) {
    (Double(maps[i]), Double(maps[n + i]), Double(maps[2 * n + i]), Double(maps[3 * n + i]), Double(maps[4 * n + i]))
}

/// The stabilising constants of SSIM for values in [0, 1]: C1 = (0.01)², C2 = (0.03)².
private let (luminanceConstant, contrastConstant) = (1e-4, 9e-4)

/// One value's similarity from its moments (μx, μy, E[x²], E[y²], E[xy]): the contrast-structure
/// ratio cs = (2σxy + C2) / (σx² + σy² + C2), or with `luminance`
/// ssim = cs · (2μxμy + C1) / (μx² + μy² + C1).
@inline(__always)
private func similarity(_ m: (Double, Double, Double, Double, Double), luminance: Bool) -> Double {
    let (mx, my) = (m.0, m.1)
    let v1 = 2 * (m.4 - mx * my) + contrastConstant
    let v2 = (m.2 - mx * mx) + (m.3 - my * my) + contrastConstant
    guard luminance else { return v1 / v2 }
    return (2 * mx * my + luminanceConstant) * v1 / ((mx * mx + my * my + luminanceConstant) * v2)
}

/// `factor · ∂similarity/∂` each of the five moments.
@inline(__always)
private func similarityAdjoint(
    _ m: (Double, Double, Double, Double, Double), luminance: Bool, factor: Double
) -> (Double, Double, Double, Double, Double) {
    let (mx, my) = (m.0, m.1)
    let v1 = 2 * (m.4 - mx * my) + contrastConstant
    let v2 = (m.2 - mx * mx) + (m.3 - my * my) + contrastConstant
    let a = luminance ? 2 * mx * my + luminanceConstant : 1, b = luminance ? mx * mx + my * my + luminanceConstant : 1
    let ratio = a / b, contrast = v1 / v2
    // Through the luminance factor (the means directly), then through σ = E[··] − μ·μ.
    let dMx = luminance ? contrast * (2 * my - ratio * 2 * mx) / b : 0
    let dMy = luminance ? contrast * (2 * mx - ratio * 2 * my) / b : 0
    let dVariance = -ratio * contrast / v2, dCovariance = ratio * 2 / v2
    return (
        factor * (dMx - 2 * mx * dVariance - my * dCovariance), factor * (dMy - 2 * my * dVariance - mx * dCovariance),
        factor * dVariance, factor * dVariance, factor * dCovariance
    )
}

/// The mean over every value of the batch of cs (or, with `luminance`, of ssim), from the moment
/// maps `similarityMoments` wrote; summed in `Double` in a fixed order.
public func meanSimilarity(maps: UnsafePointer<Float>, count n: Int, luminance: Bool) -> Double {
    var total = 0.0
    for i in 0..<n { total += similarity(moments(maps, i, n), luminance: luminance) }
    return total / Double(max(n, 1))
}

/// Adds `factor · ∂(mean similarity)/∂x` into `dx` and the same for y into `dy` (either may be nil).
/// `adjoints` holds 5 × `geometry.count` values and `work` `blurWorkCount`.
public func addMeanSimilarityGradient(
    x: UnsafePointer<Float>, y: UnsafePointer<Float>, maps: UnsafePointer<Float>, geometry: ImageGeometry,
    luminance: Bool, factor: Double, taps: UnsafePointer<Float>, tapCount: Int,
    adjoints: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>,
    dx: UnsafeMutablePointer<Float>?, dy: UnsafeMutablePointer<Float>?
) {
    let n = geometry.count, perValue = factor / Double(max(n, 1))
    for i in 0..<n {
        let d = similarityAdjoint(moments(maps, i, n), luminance: luminance, factor: perValue)
        (adjoints[i], adjoints[n + i], adjoints[2 * n + i]) = (Float(d.0), Float(d.1), Float(d.2))
        (adjoints[3 * n + i], adjoints[4 * n + i]) = (Float(d.3), Float(d.4))
    }
    for moment in 0..<5 {
        let map = adjoints + moment * n
        blurImages(map, into: map, work: work, geometry: geometry, taps: taps, tapCount: tapCount)
    }
    let (gMx, gMy, gXX, gYY, gXY) = (adjoints, adjoints + n, adjoints + 2 * n, adjoints + 3 * n, adjoints + 4 * n)
    if let dx { for i in 0..<n { dx[i] += gMx[i] + 2 * x[i] * gXX[i] + y[i] * gXY[i] } }
    if let dy { for i in 0..<n { dy[i] += gMy[i] + 2 * y[i] * gYY[i] + x[i] * gXY[i] } }
}

/// 2×2 average pooling of every channel: `destination` gets `geometry.halved`.
public func averagePoolHalf(
    _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, geometry g: ImageGeometry
) {
    let half = g.halved, c = g.channels
    for image in 0..<g.images {
        let (from, to) = (source + image * g.height * g.width * c, destination + image * half.height * half.width * c)
        for i in 0..<half.height {
            for j in 0..<half.width {
                for channel in 0..<c {
                    let top = (2 * i * g.width + 2 * j) * c + channel, bottom = top + g.width * c
                    to[(i * half.width + j) * c + channel] =
                        0.25 * (from[top] + from[top + c] + from[bottom] + from[bottom + c])
                }
            }
        }
    }
}

/// The adjoint of `averagePoolHalf`: sets `gradient` (of `geometry`) to a quarter of each pooled
/// gradient in its 2×2 block, and to zero in the rows and columns the pooling dropped.
public func averagePoolHalfBackward(
    _ pooled: UnsafePointer<Float>, into gradient: UnsafeMutablePointer<Float>, geometry g: ImageGeometry
) {
    let half = g.halved, c = g.channels
    gradient.update(repeating: 0, count: g.count)
    for image in 0..<g.images {
        let (from, to) = (pooled + image * half.height * half.width * c, gradient + image * g.height * g.width * c)
        for i in 0..<half.height {
            for j in 0..<half.width {
                for channel in 0..<c {
                    let share = 0.25 * from[(i * half.width + j) * c + channel]
                    let top = (2 * i * g.width + 2 * j) * c + channel, bottom = top + g.width * c
                    (to[top], to[top + c], to[bottom], to[bottom + c]) = (share, share, share, share)
                }
            }
        }
    }
}
