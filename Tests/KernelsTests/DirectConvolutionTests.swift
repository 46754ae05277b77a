import Kernels
import Testing

/// oneDNN's primitives for one geometry, the inputs they run on, and what they give.
private struct Served {
    let g: ConvGeometry
    let gridChannels: Int
    let convolution: DirectConvolution
    let image: [Float]
    let weights: [Float]
    let gridGradient: [Float]

    init(_ g: ConvGeometry, gridChannels: Int, plannedBatch: Int? = nil) throws {
        var planned = g
        planned.batch = plannedBatch ?? g.batch
        self.g = g
        self.gridChannels = gridChannels
        convolution = try #require(
            DirectConvolution(geometry: planned, gridChannels: gridChannels, weights: .kernelFirst, backward: true))
        image = randomValues(g.imageCount, name: "direct.image")
        weights = randomValues(g.kernelH * g.kernelW * g.channels * gridChannels, name: "direct.weights")
        gridGradient = randomValues(g.columnRows * gridChannels, name: "direct.grid")
    }

    func grid(weights: [Float]? = nil) -> [Float] {
        var grid = [Float](repeating: .nan, count: g.columnRows * gridChannels)
        convolution.convolve(grid: &grid, image: image, weights: weights ?? self.weights, batch: g.batch)
        return grid
    }

    func imageGradient() -> [Float] {
        var result = [Float](repeating: .nan, count: g.imageCount)
        convolution.imageGradient(image: &result, grid: gridGradient, weights: weights, batch: g.batch)
        return result
    }

    func weightGradient() -> [Float] {
        var result = [Float](repeating: .nan, count: weights.count)
        convolution.weightGradient(
            weights: &result, image: image, grid: gridGradient, batch: g.batch, accumulate: false)
        return result
    }
}

/// Float sums of a few dozen N(0, 1) products round at about 1e-6 of their size.
private let tolerance = 1e-4

@Test(arguments: convolutionCases)
func oneDNNConvolutionMatchesTheDirectSum(geometry g: ConvGeometry, gridChannels: Int) throws {
    let served = try Served(g, gridChannels: gridChannels)
    let expected = directConvolution(served.image, served.weights, g, outChannels: gridChannels)
    #expect(maxAbsDifference(served.grid(), expected) < tolerance)
}

@Test(arguments: convolutionCases)
func oneDNNImageGradientIsTheConvolutionsAdjoint(geometry g: ConvGeometry, gridChannels: Int) throws {
    // ⟨conv(x), dy⟩ = ⟨x, imageGradient(dy)⟩ for every x and dy.
    let served = try Served(g, gridChannels: gridChannels)
    let left = dot(served.grid(), served.gridGradient)
    let right = dot(served.image, served.imageGradient())
    #expect(abs(left - right) < tolerance * max(1, abs(left)))
}

@Test(arguments: convolutionCases)
func oneDNNWeightGradientIsTheConvolutionsAdjointInTheWeights(geometry g: ConvGeometry, gridChannels: Int) throws {
    // The convolution is linear in the weights: ⟨conv_w(x), dy⟩ = ⟨w, weightGradient(x, dy)⟩.
    let served = try Served(g, gridChannels: gridChannels)
    let left = dot(served.grid(), served.gridGradient)
    let right = dot(served.weights, served.weightGradient())
    #expect(abs(left - right) < tolerance * max(1, abs(left)))
}

@Test func theGridChannelsFirstLayoutHoldsTheSameWeights() throws {
    let (g, gridChannels) = convolutionCases[1]
    let served = try Served(g, gridChannels: gridChannels)
    // conv2d_transpose's layout [O, KH, KW, I] from conv2d's [KH, KW, I, O].
    var permuted = [Float](repeating: 0, count: served.weights.count)
    for kh in 0..<g.kernelH {
        for kw in 0..<g.kernelW {
            for i in 0..<g.channels {
                for o in 0..<gridChannels {
                    permuted[((o * g.kernelH + kh) * g.kernelW + kw) * g.channels + i] =
                        served.weights[((kh * g.kernelW + kw) * g.channels + i) * gridChannels + o]
                }
            }
        }
    }
    let transposed = try #require(
        DirectConvolution(geometry: g, gridChannels: gridChannels, weights: .gridChannelsFirst, backward: false))
    var grid = [Float](repeating: 0, count: g.columnRows * gridChannels)
    transposed.convolve(grid: &grid, image: served.image, weights: permuted, batch: g.batch)
    #expect(grid == served.grid())
}

@Test func accumulatingAddsEachProductToWhatIsThere() throws {
    let (g, gridChannels) = convolutionCases[0]
    let served = try Served(g, gridChannels: gridChannels)
    var scratch = [Float](repeating: 0, count: max(g.imageCount, g.columnRows * gridChannels))
    let start = randomValues(max(g.imageCount, g.columnRows * gridChannels), name: "direct.start")

    var grid = Array(start[0..<(g.columnRows * gridChannels)])
    served.convolution.convolve(
        grid: &grid, image: served.image, weights: served.weights, batch: g.batch, accumulate: true,
        scratch: &scratch)
    #expect(maxAbsDifference(grid, zip(start, served.grid()).map { Double($0) + Double($1) }) < tolerance)

    var image = Array(start[0..<g.imageCount])
    served.convolution.imageGradient(
        image: &image, grid: served.gridGradient, weights: served.weights, batch: g.batch, accumulate: true,
        scratch: &scratch)
    #expect(maxAbsDifference(image, zip(start, served.imageGradient()).map { Double($0) + Double($1) }) < tolerance)

    var weights = Array(start[0..<served.weights.count])
    served.convolution.weightGradient(
        weights: &weights, image: served.image, grid: served.gridGradient, batch: g.batch, accumulate: true)
    #expect(
        maxAbsDifference(weights, zip(start, served.weightGradient()).map { Double($0) + Double($1) }) < tolerance)
}

@Test func aBatchSmallerThanPlannedIsServedByItsOwnPrimitives() throws {
    let (g, gridChannels) = convolutionCases[0]
    let full = try Served(g, gridChannels: gridChannels)
    var one = g
    one.batch = 1
    let first = try Served(one, gridChannels: gridChannels, plannedBatch: g.batch)
    let perSample = g.outputHeight * g.outputWidth * gridChannels
    #expect(first.grid() == Array(full.grid()[0..<perSample]))
    let prepared = try Served(one, gridChannels: gridChannels, plannedBatch: g.batch)
    prepared.convolution.prepare(batch: 1)
    #expect(prepared.convolution.preparedBatches == [1, g.batch].sorted())
    #expect(prepared.grid() == first.grid())
    #expect(prepared.convolution.preparedBatches == [1, g.batch].sorted())
}

@Test func theSameInputsGiveTheSameBitsEveryTime() throws {
    let (g, gridChannels) = convolutionCases[1]
    let served = try Served(g, gridChannels: gridChannels)
    #expect(served.grid() == served.grid())
    #expect(served.imageGradient() == served.imageGradient())
    #expect(served.weightGradient() == served.weightGradient())
}

@Test func aGridReachingPastTheImageByMoreThanItsKernelHasNoPrimitive() {
    // A transposed convolution's output padding can make the image larger than the grid covers:
    // negative bottom padding, which oneDNN does not take; the layer lowers to im2col then.
    let g = ConvGeometry(
        batch: 1, height: 8, width: 8, channels: 2, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2,
        padTop: 0, padLeft: 0, outputHeight: 3, outputWidth: 3)
    #expect(DirectConvolution(geometry: g, gridChannels: 2, weights: .kernelFirst, backward: true) == nil)
}

@Test func partsRunOnOneDNNsThreadsEachExactlyOnce() {
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: 7)
    defer { counts.deallocate() }
    counts.initialize(repeating: 0, count: 7)
    let shared = UncheckedSendable(value: counts)
    forEachPart(parts: 7, on: .oneDNN) { part in shared.value[part] += 1 }
    #expect(Array(UnsafeBufferPointer(start: counts, count: 7)) == Array(repeating: 1, count: 7))
}

@Test func aFusedBiasAndActivationGiveWhatTheSeparatePassesGive() throws {
    let (g, gridChannels) = convolutionCases[1]
    let served = try Served(g, gridChannels: gridChannels)
    let fused = try #require(
        DirectConvolution(
            geometry: g, gridChannels: gridChannels, weights: .kernelFirst, backward: true, bias: true,
            epilogue: .relu))
    let bias = randomValues(gridChannels, name: "direct.bias")
    var grid = [Float](repeating: .nan, count: g.columnRows * gridChannels)
    fused.convolve(grid: &grid, image: served.image, weights: served.weights, bias: bias, batch: g.batch)
    let separate = served.grid().enumerated().map { max(Double($1) + Double(bias[$0 % gridChannels]), 0) }
    #expect(maxAbsDifference(grid, separate) < tolerance)
}
