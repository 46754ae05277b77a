import CDNNL

/// One 2-D convolution geometry served by oneDNN's direct NHWC primitives: the convolution from
/// the image to the grid of kernel placements (`ConvGeometry`), its image gradient and its weight
/// gradient. conv2d runs them as forward, input gradient and weight gradient; conv2d_transpose,
/// the adjoint, runs the image gradient as its forward and the convolution as its input gradient.
///
/// The planner creates one per layer application (`DirectConvolution(geometry:…)`), so primitive
/// creation and oneDNN's JIT compilation happen once per planned shape; the planner's caller names
/// the smaller last batches it will run (`prepare(batch:)`), so their primitives are made at plan
/// time too. A batch size nobody named gets its primitives the first time it comes. Weights stay in the layer's own
/// layout: each call reorders them into the blocked layout the primitive prefers (and the weight
/// gradient back), which costs a pass over the weights, small beside the activations.
public final class DirectConvolution: @unchecked Sendable {
    /// How a layer stores its weights, with the image's channels as I and the grid's as O.
    public enum WeightLayout: Sendable {
        /// `[kernelH, kernelW, imageChannels, gridChannels]`: conv2d's.
        case kernelFirst
        /// `[gridChannels, kernelH, kernelW, imageChannels]`: conv2d_transpose's.
        case gridChannelsFirst
    }

    /// The geometry at the planned batch; `batch` varies per call.
    public let geometry: ConvGeometry
    /// Channels of the grid (the convolution's output channels).
    public let gridChannels: Int
    let layout: WeightLayout
    let backward: Bool
    /// Whether `convolve` adds a bias per grid channel.
    public let hasBias: Bool
    /// The activation `convolve` applies to the grid as it writes it (a post-op, no second pass).
    public let epilogue: Activation
    private var plans: [Int: BatchPlan] = [:]

    /// The primitives for `geometry`, or nil when oneDNN has no primitive for it (the caller then
    /// lowers to im2col and GEMM). `backward` also prepares both gradients. With `bias` and
    /// `epilogue`, `convolve` adds the bias and applies the activation in the same pass.
    public init?(
        geometry: ConvGeometry, gridChannels: Int, weights: WeightLayout, backward: Bool, bias: Bool = false,
        epilogue: Activation = .identity
    ) {
        self.geometry = geometry
        self.gridChannels = gridChannels
        self.layout = weights
        self.backward = backward
        self.hasBias = bias
        self.epilogue = epilogue
        guard let plan = BatchPlan(self, batch: geometry.batch) else { return nil }
        plans[geometry.batch] = plan
    }

    /// Creates the primitives for batches of `batch` samples now, unless they exist: at plan time,
    /// for the last (partial) batch of the data a plan will run on.
    public func prepare(batch: Int) {
        _ = plan(batch)
    }

    /// The batch sizes whose primitives exist, ascending.
    public var preparedBatches: [Int] { plans.keys.sorted() }

    private func plan(_ batch: Int) -> BatchPlan {
        if let plan = plans[batch] { return plan }
        // The same geometry at another batch has the same kernels; creation cannot fail where the
        // planned batch's did.
        guard let plan = BatchPlan(self, batch: batch) else {
            preconditionFailure("oneDNN has no convolution for batch \(batch) of a planned geometry")
        }
        plans[batch] = plan
        return plan
    }

    /// `grid (= | +=) epilogue(image ⊛ weights + bias)` for `batch` samples (NHWC both); `bias`
    /// is given exactly when the convolution was made with one. With `accumulate` (no epilogue),
    /// `scratch` (room for the grid) takes the result before it is added.
    public func convolve(
        grid: UnsafeMutablePointer<Float>, image: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>? = nil, batch: Int, accumulate: Bool = false,
        scratch: UnsafeMutablePointer<Float>? = nil, elapsed: UnsafeMutablePointer<UInt64>? = nil
    ) {
        let start = elapsed == nil ? 0 : monotonicNanoseconds()
        defer { addElapsed(since: start, to: elapsed) }
        precondition((bias != nil) == hasBias, "a convolution's bias is given exactly when it was planned with one")
        let p = plan(batch)
        let target = accumulate ? scratch! : grid
        p.forwardWeights.prepare(from: weights)
        p.image.bind(image)
        p.grid.bind(target)
        if let bias { p.bias?.bind(bias) }
        p.forward.run(p.forwardArguments)
        if accumulate {
            add(
                output: grid, a: grid, b: target,
                count: batch * geometry.outputHeight * geometry.outputWidth * gridChannels,
                accumulate: false)
        }
    }

    /// The image gradient from the grid gradient: `image (= | +=) gridᵀ-convolution`. With
    /// `accumulate`, `scratch` (room for the image) takes the gradient before it is added.
    public func imageGradient(
        image: UnsafeMutablePointer<Float>, grid: UnsafePointer<Float>, weights: UnsafePointer<Float>, batch: Int,
        accumulate: Bool = false, scratch: UnsafeMutablePointer<Float>? = nil,
        elapsed: UnsafeMutablePointer<UInt64>? = nil
    ) {
        let start = elapsed == nil ? 0 : monotonicNanoseconds()
        defer { addElapsed(since: start, to: elapsed) }
        let p = plan(batch)
        let target = accumulate ? scratch! : image
        p.imageGradientWeights!.prepare(from: weights)
        p.image.bind(target)
        p.grid.bind(grid)
        p.imageGradient!.run(p.imageGradientArguments)
        if accumulate {
            add(
                output: image, a: image, b: target, count: batch * geometry.height * geometry.width * geometry.channels,
                accumulate: false)
        }
    }

    /// The weight gradient, `weights (= | +=) Σ image ⊗ grid gradient`, in the layer's layout. A
    /// bias's gradient is left to the layer: oneDNN's fused one made the first convolution's weight
    /// gradient twice as slow (0.17 → 0.34–0.44 ms at 28×28×3 → 14×14×32, batch 100), more than the
    /// separate column sums cost.
    public func weightGradient(
        weights: UnsafeMutablePointer<Float>, image: UnsafePointer<Float>, grid: UnsafePointer<Float>, batch: Int,
        accumulate: Bool, elapsed: UnsafeMutablePointer<UInt64>? = nil
    ) {
        let start = elapsed == nil ? 0 : monotonicNanoseconds()
        defer { addElapsed(since: start, to: elapsed) }
        let p = plan(batch)
        p.image.bind(image)
        p.grid.bind(grid)
        p.weightGradient!.run(p.weightGradientArguments)
        p.weightGradientBuffer!.store(into: weights, accumulate: accumulate)
    }

    /// The primitives and memory objects for one batch size, and each primitive's arguments: the
    /// memory objects stay, only the buffers they point at change from call to call.
    private final class BatchPlan {
        let image: BoundMemory
        let grid: BoundMemory
        let forward: Primitive
        let forwardWeights: WeightsIn
        let imageGradient: Primitive?
        let imageGradientWeights: WeightsIn?
        let weightGradient: Primitive?
        let weightGradientBuffer: WeightsOut?
        /// The bias, bound at each call.
        let bias: BoundMemory?
        let forwardArguments: [dnnl_exec_arg_t]
        let imageGradientArguments: [dnnl_exec_arg_t]
        let weightGradientArguments: [dnnl_exec_arg_t]

        init?(_ owner: DirectConvolution, batch: Int) {
            let g = owner.geometry
            guard let (padBottom, padRight) = Self.paddingAfter(g) else { return nil }
            var imageDesc = MemoryDescription.nhwc(batch, g.channels, g.height, g.width)
            var gridDesc = MemoryDescription.nhwc(batch, owner.gridChannels, g.outputHeight, g.outputWidth)
            var userWeights = MemoryDescription.weights(
                owner.layout, grid: owner.gridChannels, image: g.channels, kernelH: g.kernelH, kernelW: g.kernelW)
            var anyWeights = MemoryDescription.anyWeights(
                grid: owner.gridChannels, image: g.channels, kernelH: g.kernelH, kernelW: g.kernelW)
            let biasDesc = UnsafeMutablePointer<dnnl_memory_desc_t>.allocate(capacity: 1)
            defer { biasDesc.deallocate() }
            biasDesc.initialize(to: MemoryDescription.vector(owner.gridChannels))
            let biasPointer = owner.hasBias ? biasDesc : nil
            let strides: [dnnl_dim_t] = [dnnl_dim_t(g.strideH), dnnl_dim_t(g.strideW)]
            let padBefore: [dnnl_dim_t] = [dnnl_dim_t(g.padTop), dnnl_dim_t(g.padLeft)]
            let padAfter: [dnnl_dim_t] = [dnnl_dim_t(padBottom), dnnl_dim_t(padRight)]

            var forwardDesc = dnnl_convolution_desc_t()
            guard
                dnnl_convolution_forward_desc_init(
                    &forwardDesc, dnnl_forward_training, dnnl_convolution_direct, &imageDesc, &anyWeights, biasPointer,
                    &gridDesc, strides, padBefore, padAfter) == dnnl_success,
                let forward = Primitive(describing: &forwardDesc, hint: nil, epilogue: owner.epilogue)
            else { return nil }
            bias = owner.hasBias ? BoundMemory(biasDesc) : nil
            self.forward = forward
            forwardWeights = WeightsIn(user: &userWeights, preferred: forward.description(of: dnnl_query_weights_md))
            image = BoundMemory(&imageDesc)
            grid = BoundMemory(&gridDesc)
            forwardArguments =
                arguments([
                    (DNNL_ARG_SRC, image.memory), (DNNL_ARG_WEIGHTS, forwardWeights.memory),
                    (DNNL_ARG_DST, grid.memory),
                ]) + (bias.map { arguments([(DNNL_ARG_BIAS, $0.memory)]) } ?? [])
            guard owner.backward else {
                (imageGradient, imageGradientWeights, weightGradient, weightGradientBuffer) = (nil, nil, nil, nil)
                (imageGradientArguments, weightGradientArguments) = ([], [])
                return
            }
            let geometry = Geometry(
                image: imageDesc, grid: gridDesc, weights: anyWeights, strides: strides, padBefore: padBefore,
                padAfter: padAfter)
            guard let (imageGradient, weightGradient) = Self.backwardPrimitives(geometry, hint: forward.description)
            else { return nil }
            self.imageGradient = imageGradient
            self.weightGradient = weightGradient
            imageGradientWeights = WeightsIn(
                user: &userWeights, preferred: imageGradient.description(of: dnnl_query_weights_md))
            weightGradientBuffer = WeightsOut(
                preferred: weightGradient.description(of: dnnl_query_diff_weights_md), user: &userWeights)
            imageGradientArguments = arguments([
                (DNNL_ARG_DIFF_SRC, image.memory), (DNNL_ARG_WEIGHTS, imageGradientWeights!.memory),
                (DNNL_ARG_DIFF_DST, grid.memory),
            ])
            weightGradientArguments = arguments([
                (DNNL_ARG_SRC, image.memory), (DNNL_ARG_DIFF_WEIGHTS, weightGradientBuffer!.memory),
                (DNNL_ARG_DIFF_DST, grid.memory),
            ])
        }

        /// Bottom and right padding: whatever the grid reaches past the image; nil where oneDNN
        /// cannot say it (padding below zero: a transposed convolution's output padding past its kernel).
        static func paddingAfter(_ g: ConvGeometry) -> (bottom: Int, right: Int)? {
            let padBottom = (g.outputHeight - 1) * g.strideH + g.kernelH - g.height - g.padTop
            let padRight = (g.outputWidth - 1) * g.strideW + g.kernelW - g.width - g.padLeft
            guard padBottom >= 0, padRight >= 0, g.padTop >= 0, g.padLeft >= 0 else { return nil }
            return (padBottom, padRight)
        }

        /// The descriptions a convolution's primitives share.
        struct Geometry {
            var image, grid, weights: dnnl_memory_desc_t
            let strides, padBefore, padAfter: [dnnl_dim_t]
        }

        /// The image-gradient and weight-gradient primitives of the forward one `hint` describes.
        static func backwardPrimitives(_ g: Geometry, hint: dnnl_primitive_desc_t)
            -> (image: Primitive, weights: Primitive)?
        {
            var g = g
            var dataDesc = dnnl_convolution_desc_t()
            var weightsDesc = dnnl_convolution_desc_t()
            guard
                dnnl_convolution_backward_data_desc_init(
                    &dataDesc, dnnl_convolution_direct, &g.image, &g.weights, &g.grid, g.strides, g.padBefore,
                    g.padAfter) == dnnl_success,
                let imageGradient = Primitive(describing: &dataDesc, hint: hint),
                dnnl_convolution_backward_weights_desc_init(
                    &weightsDesc, dnnl_convolution_direct, &g.image, &g.weights, nil, &g.grid, g.strides,
                    g.padBefore, g.padAfter) == dnnl_success,
                let weightGradient = Primitive(describing: &weightsDesc, hint: hint)
            else { return nil }
            return (imageGradient, weightGradient)
        }
    }
}
