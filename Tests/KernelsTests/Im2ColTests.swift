import Kernels
import Testing

/// Convolution geometries covering stride 1 and 2, padding on every side, odd and asymmetric
/// sizes, kernels 1 and 3 (and 3×2), with Cin ≠ Cout; the second value is Cout.
let convolutionCases: [(ConvGeometry, Int)] = [
    (
        ConvGeometry(
            batch: 2, height: 5, width: 6, channels: 2, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1,
            padTop: 1, padLeft: 1, padBottom: 1, padRight: 1), 3
    ),
    (
        ConvGeometry(
            batch: 1, height: 7, width: 5, channels: 3, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2,
            padTop: 1, padLeft: 1, padBottom: 1, padRight: 1), 2
    ),
    (
        ConvGeometry(
            batch: 2, height: 4, width: 3, channels: 3, kernelH: 1, kernelW: 1, strideH: 1, strideW: 1,
            padTop: 0, padLeft: 0, padBottom: 0, padRight: 0), 4
    ),
    (
        ConvGeometry(
            batch: 1, height: 5, width: 5, channels: 2, kernelH: 1, kernelW: 1, strideH: 2, strideW: 2,
            padTop: 0, padLeft: 0, padBottom: 0, padRight: 0), 1
    ),
    (
        ConvGeometry(
            batch: 1, height: 6, width: 5, channels: 1, kernelH: 3, kernelW: 2, strideH: 2, strideW: 1,
            padTop: 0, padLeft: 1, padBottom: 1, padRight: 1), 3
    ),
    (
        ConvGeometry(
            batch: 1, height: 3, width: 3, channels: 2, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2,
            padTop: 2, padLeft: 2, padBottom: 2, padRight: 2), 2
    ),
]

/// Direct NHWC convolution in Double with weights `[KH, KW, Cin, Cout]`.
func directConvolution(_ x: [Float], _ w: [Float], _ g: ConvGeometry, outChannels: Int)
    -> [Double]
{
    let ci = g.channels
    var y = [Double](repeating: 0, count: g.columnRows * outChannels)
    for n in 0..<g.batch {
        for oh in 0..<g.outputHeight {
            for ow in 0..<g.outputWidth {
                let row = (n * g.outputHeight + oh) * g.outputWidth + ow
                for kh in 0..<g.kernelH {
                    for kw in 0..<g.kernelW {
                        let ih = oh * g.strideH - g.padTop + kh
                        let iw = ow * g.strideW - g.padLeft + kw
                        guard ih >= 0, ih < g.height, iw >= 0, iw < g.width else { continue }
                        for c in 0..<ci {
                            for co in 0..<outChannels {
                                let xv = Double(x[((n * g.height + ih) * g.width + iw) * ci + c])
                                y[row * outChannels + co] +=
                                    xv * Double(w[((kh * g.kernelW + kw) * ci + c) * outChannels + co])
                            }
                        }
                    }
                }
            }
        }
    }
    return y
}

/// conv2d forward the kernels' way: im2col, then one GEMM.
private func im2colConvolution(_ x: [Float], _ w: [Float], _ g: ConvGeometry, outChannels: Int)
    -> [Float]
{
    var columns = [Float](repeating: .nan, count: g.columnRows * g.columnWidth)
    im2col(columns: &columns, image: x, geometry: g)
    var y = [Float](repeating: .nan, count: g.columnRows * outChannels)
    gemm(
        c: &y, a: columns, b: w, m: g.columnRows, n: outChannels, k: g.columnWidth, accumulate: false, context: .serial)
    return y
}

@Test(arguments: convolutionCases)
func conv2dByIm2colAndGemmMatchesDirectConvolution(geometry g: ConvGeometry, outChannels: Int) {
    let x = randomValues(g.imageCount, name: "conv.x")
    let w = randomValues(g.columnWidth * outChannels, name: "conv.w")
    let y = im2colConvolution(x, w, g, outChannels: outChannels)
    // At most 27 Float products of N(0,1) values per output: rounding stays below 1e-5.
    #expect(maxAbsDifference(y, directConvolution(x, w, g, outChannels: outChannels)) < 1e-5)
}

@Test(arguments: convolutionCases)
func col2imIsTheAdjointOfIm2col(geometry g: ConvGeometry, outChannels _: Int) {
    let x = randomValues(g.imageCount, name: "adj.x")
    let y = randomValues(g.columnRows * g.columnWidth, name: "adj.y")
    var columns = [Float](repeating: .nan, count: y.count)
    im2col(columns: &columns, image: x, geometry: g)
    var image = [Float](repeating: .nan, count: x.count)
    col2im(image: &image, columns: y, geometry: g, accumulate: false)
    let lhs = dot(columns, y)
    let rhs = dot(x, image)
    // Both sides sum the same Float products (col2im adds up to 9 terms in Float first):
    // relative 1e-5 of the magnitude covers that rounding; a wrong index changes the value O(1).
    let magnitude = zip(columns, y).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
    #expect(abs(lhs - rhs) <= 1e-5 * magnitude)
}

@Test func col2imAccumulateAddsIntoTheImage() {
    let g = convolutionCases[1].0
    let y = randomValues(g.columnRows * g.columnWidth, name: "c2i.acc")
    let existing = randomValues(g.imageCount, name: "c2i.existing")
    var fresh = [Float](repeating: 0, count: g.imageCount)
    col2im(image: &fresh, columns: y, geometry: g, accumulate: false)
    var accumulated = existing
    col2im(image: &accumulated, columns: y, geometry: g, accumulate: true)
    #expect(
        maxAbsDifference(accumulated, zip(existing, fresh).map { Double($0) + Double($1) }) < 1e-5)
}

@Test(arguments: convolutionCases)
func conv2dGradientsFromCol2imAndGemmMatchCentralDifferences(
    geometry g: ConvGeometry, outChannels: Int
) {
    let x = randomValues(g.imageCount, name: "cgrad.x")
    let w = randomValues(g.columnWidth * outChannels, name: "cgrad.w")
    let u = randomValues(g.columnRows * outChannels, name: "cgrad.u")
    // dcol = dY · Wᵀ, dX = col2im(dcol); dW = im2col(X)ᵀ · dY.
    var dColumns = [Float](repeating: 0, count: g.columnRows * g.columnWidth)
    gemm(
        c: &dColumns, a: u, b: w, m: g.columnRows, n: g.columnWidth, k: outChannels, transposeB: true,
        accumulate: false, context: .serial)
    var dx = [Float](repeating: .nan, count: x.count)
    col2im(image: &dx, columns: dColumns, geometry: g, accumulate: false)
    var columns = [Float](repeating: 0, count: dColumns.count)
    im2col(columns: &columns, image: x, geometry: g)
    var dw = [Float](repeating: .nan, count: w.count)
    gemm(
        c: &dw, a: columns, b: u, m: g.columnWidth, n: outChannels, k: g.columnRows, transposeA: true,
        accumulate: false, context: .serial)
    // The loss is linear in x and in w, so central differences have no truncation error; a large
    // step (0.5) makes the Float rounding of the loss (~1e-6) negligible after dividing by 2h.
    let numericX = centralDifferences(x, step: 0.5) {
        dot(im2colConvolution($0, w, g, outChannels: outChannels), u)
    }
    let numericW = centralDifferences(w, step: 0.5) {
        dot(im2colConvolution(x, $0, g, outChannels: outChannels), u)
    }
    #expect(maxAbsDifference(dx, numericX) < 1e-4)
    #expect(maxAbsDifference(dw, numericW) < 1e-4)
}

/// Transposed convolutions: input grid `inH × inW`, kernel, stride, padding; the output size is
/// PyTorch's `(in − 1)·stride − 2·pad + kernel`.
private let transposedCases: [(inH: Int, inW: Int, cin: Int, cout: Int, k: Int, s: Int, p: Int)] = [
    (3, 4, 2, 3, 3, 2, 1), (3, 3, 1, 2, 4, 2, 1), (2, 3, 3, 2, 1, 1, 0), (2, 2, 2, 1, 3, 1, 0),
]

@Test(arguments: transposedCases.indices)
func conv2dTransposeByGemmAndCol2imMatchesDirectScatter(caseIndex: Int) {
    let t = transposedCases[caseIndex]
    let (outH, outW) = ((t.inH - 1) * t.s - 2 * t.p + t.k, (t.inW - 1) * t.s - 2 * t.p + t.k)
    let g = ConvGeometry(
        batch: 2, height: outH, width: outW, channels: t.cout, kernelH: t.k, kernelW: t.k, strideH: t.s,
        strideW: t.s, padTop: t.p, padLeft: t.p, outputHeight: t.inH, outputWidth: t.inW)
    let x = randomValues(g.columnRows * t.cin, name: "convT.x")
    let w = randomValues(t.cin * g.columnWidth, name: "convT.w")  // [Cin, KH, KW, Cout]
    var columns = [Float](repeating: .nan, count: g.columnRows * g.columnWidth)
    gemm(c: &columns, a: x, b: w, m: g.columnRows, n: g.columnWidth, k: t.cin, accumulate: false, context: .serial)
    var y = [Float](repeating: .nan, count: g.imageCount)
    col2im(image: &y, columns: columns, geometry: g, accumulate: false)
    var expected = [Double](repeating: 0, count: g.imageCount)
    for n in 0..<2 {
        for ih in 0..<t.inH {
            for iw in 0..<t.inW {
                for kh in 0..<t.k {
                    for kw in 0..<t.k {
                        let (oh, ow) = (ih * t.s - t.p + kh, iw * t.s - t.p + kw)
                        guard oh >= 0, oh < outH, ow >= 0, ow < outW else { continue }
                        for ci in 0..<t.cin {
                            for co in 0..<t.cout {
                                let xv = Double(x[((n * t.inH + ih) * t.inW + iw) * t.cin + ci])
                                expected[((n * outH + oh) * outW + ow) * t.cout + co] +=
                                    xv * Double(w[((ci * t.k + kh) * t.k + kw) * t.cout + co])
                            }
                        }
                    }
                }
            }
        }
    }
    #expect(maxAbsDifference(y, expected) < 1e-5)
}

@Test func im2colAndCol2imGiveTheSameBitsOnOneThreadAndSplitBySample() {
    // 16 samples of 14×14×8 with a 3×3 kernel, stride 2: a column matrix big enough to be split.
    let g = ConvGeometry(
        batch: 16, height: 14, width: 14, channels: 8, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2,
        padTop: 1, padLeft: 1, outputHeight: 7, outputWidth: 7)
    let image = randomValues(g.imageCount, name: "split.image")
    let columns = randomValues(g.columnRows * g.columnWidth, name: "split.columns")
    func lowerings(threads: Int) -> ([Float], [Float]) {
        var unfolded = [Float](repeating: .nan, count: columns.count)
        im2col(
            columns: &unfolded, image: image, geometry: g,
            context: ExecutionContext(library: .openBLAS, threads: threads))
        var folded = image
        col2im(
            image: &folded, columns: columns, geometry: g, accumulate: true,
            context: ExecutionContext(library: .openBLAS, threads: threads))
        return (unfolded, folded)
    }
    let one = lowerings(threads: 1), two = lowerings(threads: 2)
    #expect(one.0.map(\.bitPattern) == two.0.map(\.bitPattern))
    #expect(one.1.map(\.bitPattern) == two.1.map(\.bitPattern))
    #expect(!one.0.contains { $0.isNaN })
}
