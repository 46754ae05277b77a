/// The geometry shared by a 2-D convolution's im2col and col2im, NHWC throughout.
///
/// The *image* is `[batch, height, width, channels]`; the *grid* is the `outputHeight ×
/// outputWidth` set of kernel placements. Placement `(oh, ow)` reads image rows
/// `oh·strideH − padTop + kh`; reads outside the image are zeros, which is the padding (bottom
/// and right padding are implicit: whatever the grid size reaches past the image).
///
/// The column matrix has `batch · outputHeight · outputWidth` rows, ordered `(n, oh, ow)`, and
/// `kernelH · kernelW · channels` columns, ordered `(kh, kw, c)` with `c` fastest. Hence:
/// - conv2d: weights `[kernelH, kernelW, Cin, Cout]` (row-major `(KH·KW·Cin) × Cout`;
///   PyTorch's `[Cout, Cin, KH, KW]` permuted `(2, 3, 1, 0)`), forward `y = im2col(x) · W`,
///   the result already NHWC `[N, OH, OW, Cout]`.
/// - conv2d_transpose: weights `[Cin, kernelH, kernelW, Cout]` (row-major `Cin × (KH·KW·Cout)`;
///   PyTorch's `[Cin, Cout, KH, KW]` permuted `(0, 2, 3, 1)`), forward `y = col2im(x · W)` with
///   this geometry describing the *output* as the image and the *input* as the grid.
public struct ConvGeometry: Sendable, Equatable, Hashable {
    /// Samples in the batch (N).
    public var batch: Int
    /// Image height.
    public var height: Int
    /// Image width.
    public var width: Int
    /// Image channels (C); the fastest-varying axis.
    public var channels: Int
    /// Kernel height (KH).
    public var kernelH: Int
    /// Kernel width (KW).
    public var kernelW: Int
    /// Vertical step between placements.
    public var strideH: Int
    /// Horizontal step between placements.
    public var strideW: Int
    /// Zero rows added above the image.
    public var padTop: Int
    /// Zero columns added left of the image.
    public var padLeft: Int
    /// Placements down the image (OH).
    public var outputHeight: Int
    /// Placements across the image (OW).
    public var outputWidth: Int

    /// A geometry with the grid given explicitly (as conv2d_transpose with output padding needs).
    public init(
        batch: Int, height: Int, width: Int, channels: Int, kernelH: Int, kernelW: Int,
        strideH: Int, strideW: Int, padTop: Int, padLeft: Int, outputHeight: Int, outputWidth: Int
    ) {
        self.batch = batch
        self.height = height
        self.width = width
        self.channels = channels
        self.kernelH = kernelH
        self.kernelW = kernelW
        self.strideH = strideH
        self.strideW = strideW
        self.padTop = padTop
        self.padLeft = padLeft
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
    }

    /// A geometry whose grid is every placement that fits the padded image, as PyTorch's
    /// `Conv2d` computes it: `OH = (H + padTop + padBottom − KH) / strideH + 1`.
    public init(
        batch: Int, height: Int, width: Int, channels: Int, kernelH: Int, kernelW: Int,
        strideH: Int, strideW: Int, padTop: Int, padLeft: Int, padBottom: Int, padRight: Int
    ) {
        self.init(
            batch: batch, height: height, width: width, channels: channels, kernelH: kernelH,
            kernelW: kernelW, strideH: strideH, strideW: strideW, padTop: padTop, padLeft: padLeft,
            outputHeight: (height + padTop + padBottom - kernelH) / strideH + 1,
            outputWidth: (width + padLeft + padRight - kernelW) / strideW + 1)
    }

    /// Rows of the column matrix: `batch · outputHeight · outputWidth`.
    public var columnRows: Int { batch * outputHeight * outputWidth }
    /// Columns of the column matrix: `kernelH · kernelW · channels`.
    public var columnWidth: Int { kernelH * kernelW * channels }
    /// Floats in the image: `batch · height · width · channels`.
    public var imageCount: Int { batch * height * width * channels }

    /// The kernel columns `kw` in `lower..<upper` whose reads land inside the image for a
    /// placement starting at image column `left`; the rest read padding.
    @inline(__always)
    func validKernelColumns(left: Int) -> (lower: Int, upper: Int) {
        let lower = min(max(0, -left), kernelW)
        let upper = max(min(kernelW, width - left), lower)
        return (lower, upper)
    }
}

/// Unfolds an NHWC image into the column matrix described by `geometry` (see `ConvGeometry`),
/// so a convolution becomes one GEMM. Writes every element of `columns`.
///
/// Samples are independent, so a large batch is split across up to `context.threads` threads by sample.
/// `elapsed`, when given, gets this call's duration added.
public func im2col(
    columns: UnsafeMutablePointer<Float>, image: UnsafePointer<Float>, geometry g: ConvGeometry,
    context: ExecutionContext = .serial, elapsed: UnsafeMutablePointer<UInt64>? = nil
) {
    let start = elapsed == nil ? 0 : monotonicNanoseconds()
    defer { addElapsed(since: start, to: elapsed) }
    let shared = UncheckedSendable(value: (columns, image))
    forEachSamplePart(g, context: context) { samples in
        im2colSamples(columns: shared.value.0, image: shared.value.1, geometry: g, samples: samples)
    }
}

/// The adjoint of `im2col`: adds each column-matrix entry back into the image position it was
/// read from (entries that came from padding are dropped): `image (= | +=) col2im(columns)`.
///
/// This is conv2d's input gradient and conv2d_transpose's forward. Each sample's image is its own,
/// and within a sample it runs in one fixed order, so overlapping placements always sum the same
/// way whatever the split across threads.
public func col2im(
    image: UnsafeMutablePointer<Float>, columns: UnsafePointer<Float>, geometry g: ConvGeometry,
    accumulate: Bool, context: ExecutionContext = .serial, elapsed: UnsafeMutablePointer<UInt64>? = nil
) {
    let start = elapsed == nil ? 0 : monotonicNanoseconds()
    defer { addElapsed(since: start, to: elapsed) }
    let shared = UncheckedSendable(value: (image, columns))
    forEachSamplePart(g, context: context) { samples in
        col2imSamples(
            image: shared.value.0, columns: shared.value.1, geometry: g, samples: samples, accumulate: accumulate)
    }
}

/// Runs `body` over the batch's samples, split across up to `context.threads` threads when the column
/// matrix is big enough for the split to pay.
@inline(__always)
private func forEachSamplePart(_ g: ConvGeometry, context: ExecutionContext, _ body: @Sendable (Range<Int>) -> Void) {
    forEachSlice(of: g.batch, work: g.outputHeight * g.outputWidth * g.columnWidth, context: context, body)
}

private func im2colSamples(
    columns: UnsafeMutablePointer<Float>, image: UnsafePointer<Float>, geometry g: ConvGeometry, samples: Range<Int>
) {
    let c = g.channels
    var row = columns + samples.lowerBound * g.outputHeight * g.outputWidth * g.columnWidth
    for n in samples {
        let sample = image + n * g.height * g.width * c
        for oh in 0..<g.outputHeight {
            for ow in 0..<g.outputWidth {
                let left = ow * g.strideW - g.padLeft
                let (lower, upper) = g.validKernelColumns(left: left)
                for kh in 0..<g.kernelH {
                    let ih = oh * g.strideH - g.padTop + kh
                    let out = row + kh * g.kernelW * c
                    guard ih >= 0 && ih < g.height else {
                        out.update(repeating: 0, count: g.kernelW * c)
                        continue
                    }
                    // Kernel columns are adjacent image columns, so the valid span is one
                    // contiguous run of (upper − lower)·C floats in NHWC.
                    out.update(repeating: 0, count: lower * c)
                    out.advanced(by: lower * c).update(
                        from: sample + (ih * g.width + left + lower) * c, count: (upper - lower) * c)
                    out.advanced(by: upper * c).update(repeating: 0, count: (g.kernelW - upper) * c)
                }
                row += g.columnWidth
            }
        }
    }
}

private func col2imSamples(
    image: UnsafeMutablePointer<Float>, columns: UnsafePointer<Float>, geometry g: ConvGeometry, samples: Range<Int>,
    accumulate: Bool
) {
    let c = g.channels
    let sampleSize = g.height * g.width * c
    if !accumulate { (image + samples.lowerBound * sampleSize).update(repeating: 0, count: samples.count * sampleSize) }
    var row = columns + samples.lowerBound * g.outputHeight * g.outputWidth * g.columnWidth
    for n in samples {
        let sample = image + n * sampleSize
        for oh in 0..<g.outputHeight {
            for ow in 0..<g.outputWidth {
                let left = ow * g.strideW - g.padLeft
                let (lower, upper) = g.validKernelColumns(left: left)
                for kh in 0..<g.kernelH {
                    let ih = oh * g.strideH - g.padTop + kh
                    guard ih >= 0 && ih < g.height else { continue }
                    let src = row + (kh * g.kernelW + lower) * c
                    let dst = sample + (ih * g.width + left + lower) * c
                    for i in 0..<((upper - lower) * c) { dst[i] += src[i] }
                }
                row += g.columnWidth
            }
        }
    }
}
