import CDNNL

/// One 2-D convolution geometry served by oneDNN's direct NHWC primitives: the convolution from
/// the image to the grid of kernel placements (`ConvGeometry`), its image gradient and its weight
/// gradient. conv2d runs them as forward, input gradient and weight gradient; conv2d_transpose,
/// the adjoint, runs the image gradient as its forward and the convolution as its input gradient.
///
/// The planner creates one per layer application (`DirectConvolution(geometry:…)`), so primitive
/// creation and oneDNN's JIT compilation happen once per planned shape, never in a step; a smaller
/// final batch gets its own primitives the first time it comes. Weights stay in the layer's own
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
            // Bottom and right padding: whatever the grid reaches past the image. oneDNN takes
            // none below zero (a transposed convolution's output padding past its kernel).
            let padBottom = (g.outputHeight - 1) * g.strideH + g.kernelH - g.height - g.padTop
            let padRight = (g.outputWidth - 1) * g.strideW + g.kernelW - g.width - g.padLeft
            guard padBottom >= 0, padRight >= 0, g.padTop >= 0, g.padLeft >= 0 else { return nil }
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
            var dataDesc = dnnl_convolution_desc_t()
            var weightsDesc = dnnl_convolution_desc_t()
            guard
                dnnl_convolution_backward_data_desc_init(
                    &dataDesc, dnnl_convolution_direct, &imageDesc, &anyWeights, &gridDesc, strides, padBefore,
                    padAfter) == dnnl_success,
                let imageGradient = Primitive(describing: &dataDesc, hint: forward.description),
                dnnl_convolution_backward_weights_desc_init(
                    &weightsDesc, dnnl_convolution_direct, &imageDesc, &anyWeights, nil, &gridDesc, strides,
                    padBefore, padAfter) == dnnl_success,
                let weightGradient = Primitive(describing: &weightsDesc, hint: forward.description)
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
    }
}

/// oneDNN's argument list: which memory object plays which part.
func arguments(_ pairs: [(Int32, dnnl_memory_t)]) -> [dnnl_exec_arg_t] {
    pairs.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
}

/// Memory descriptions in oneDNN's logical order: activations `(N, C, H, W)`, weights `(O, I, H, W)`.
enum MemoryDescription {
    static func nhwc(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> dnnl_memory_desc_t {
        var description = dnnl_memory_desc_t()
        let dims = [n, c, h, w].map { dnnl_dim_t($0) }
        OneDNN.check(dnnl_memory_desc_init_by_tag(&description, 4, dims, dnnl_f32, dnnl_nhwc), "describing NHWC")
        return description
    }

    static func weights(
        _ layout: DirectConvolution.WeightLayout, grid o: Int, image i: Int, kernelH kh: Int, kernelW kw: Int
    ) -> dnnl_memory_desc_t {
        var description = dnnl_memory_desc_t()
        let dims = [o, i, kh, kw].map { dnnl_dim_t($0) }
        let strides: [Int]
        switch layout {
        case .kernelFirst: strides = [1, o, kw * i * o, i * o]
        case .gridChannelsFirst: strides = [kh * kw * i, 1, kw * i, i]
        }
        OneDNN.check(
            dnnl_memory_desc_init_by_strides(&description, 4, dims, dnnl_f32, strides.map { dnnl_dim_t($0) }),
            "describing the weights")
        return description
    }

    static func vector(_ count: Int) -> dnnl_memory_desc_t {
        var description = dnnl_memory_desc_t()
        OneDNN.check(
            dnnl_memory_desc_init_by_tag(&description, 1, [dnnl_dim_t(count)], dnnl_f32, dnnl_x), "describing a bias")
        return description
    }

    static func anyWeights(grid o: Int, image i: Int, kernelH kh: Int, kernelW kw: Int) -> dnnl_memory_desc_t {
        var description = dnnl_memory_desc_t()
        let dims = [o, i, kh, kw].map { dnnl_dim_t($0) }
        OneDNN.check(
            dnnl_memory_desc_init_by_tag(&description, 4, dims, dnnl_f32, dnnl_format_tag_any),
            "describing the weights")
        return description
    }
}

/// A primitive and its description, created once.
final class Primitive {
    let description: dnnl_primitive_desc_t
    let primitive: dnnl_primitive_t

    /// Creates the best implementation of the operation `operation` describes, applying `epilogue`
    /// to its output as a post-op; nil when none fits.
    init?(describing operation: UnsafeRawPointer, hint: dnnl_primitive_desc_t?, epilogue: Activation = .identity) {
        let attributes = Primitive.attributes { postOps in
            guard let (kind, alpha) = Primitive.eltwise(epilogue) else { return false }
            OneDNN.check(dnnl_post_ops_append_eltwise(postOps, 1, kind, alpha, 0), "appending an activation")
            return true
        }
        defer { if let attributes { dnnl_primitive_attr_destroy(attributes) } }
        var description: dnnl_primitive_desc_t?
        guard dnnl_primitive_desc_create(&description, operation, attributes, OneDNN.engine, hint) == dnnl_success,
            let description
        else { return nil }
        var primitive: dnnl_primitive_t?
        guard dnnl_primitive_create(&primitive, description) == dnnl_success, let primitive else {
            dnnl_primitive_desc_destroy(description)
            return nil
        }
        self.description = description
        self.primitive = primitive
    }

    /// Attributes holding the post-ops `append` adds, or nil when it adds none (it returns false).
    /// The caller destroys them.
    static func attributes(_ append: (dnnl_post_ops_t?) -> Bool) -> dnnl_primitive_attr_t? {
        var postOps: dnnl_post_ops_t?
        OneDNN.check(dnnl_post_ops_create(&postOps), "creating post-ops")
        defer { dnnl_post_ops_destroy(postOps) }
        guard append(postOps) else { return nil }
        var attributes: dnnl_primitive_attr_t?
        OneDNN.check(dnnl_primitive_attr_create(&attributes), "creating attributes")
        OneDNN.check(dnnl_primitive_attr_set_post_ops(attributes, postOps), "setting post-ops")
        return attributes
    }

    /// oneDNN's element-wise operation for an activation, and its parameter; nil for none.
    static func eltwise(_ activation: Activation) -> (dnnl_alg_kind_t, Float)? {
        switch activation {
        case .identity: return nil
        case .relu: return (dnnl_eltwise_relu, 0)
        case .leakyReLU(let slope): return (dnnl_eltwise_relu, slope)
        case .sigmoid: return (dnnl_eltwise_logistic, 0)
        case .tanh: return (dnnl_eltwise_tanh, 0)
        }
    }

    /// A reorder from `source` to `destination`, adding into it with `accumulate`.
    convenience init(
        reordering source: UnsafePointer<dnnl_memory_desc_t>, to destination: UnsafePointer<dnnl_memory_desc_t>,
        accumulate: Bool
    ) {
        let attributes = Primitive.attributes { postOps in
            guard accumulate else { return false }
            OneDNN.check(dnnl_post_ops_append_sum(postOps, 1), "appending a sum")
            return true
        }
        defer { if let attributes { dnnl_primitive_attr_destroy(attributes) } }
        var description: dnnl_primitive_desc_t?
        OneDNN.check(
            dnnl_reorder_primitive_desc_create(
                &description, source, OneDNN.engine, destination, OneDNN.engine, attributes), "planning a reorder")
        var primitive: dnnl_primitive_t?
        OneDNN.check(dnnl_primitive_create(&primitive, description), "creating a reorder")
        self.init(description: description!, primitive: primitive!)
    }

    private init(description: dnnl_primitive_desc_t, primitive: dnnl_primitive_t) {
        self.description = description
        self.primitive = primitive
    }

    /// The memory layout the primitive chose for one of its arguments.
    func description(of query: dnnl_query_t) -> UnsafePointer<dnnl_memory_desc_t> {
        dnnl_primitive_desc_query_md(description, query, 0)
    }

    /// Runs the primitive on `arguments` and waits for it.
    func run(_ arguments: [dnnl_exec_arg_t]) {
        OneDNN.check(
            dnnl_primitive_execute(primitive, OneDNN.stream, Int32(arguments.count), arguments), "running a primitive")
        OneDNN.check(dnnl_stream_wait(OneDNN.stream), "waiting for a primitive")
    }

    deinit {
        dnnl_primitive_destroy(primitive)
        dnnl_primitive_desc_destroy(description)
    }
}

/// A memory object over the caller's buffers, pointed at each call's buffer before it runs.
final class BoundMemory {
    let memory: dnnl_memory_t

    init(_ description: UnsafePointer<dnnl_memory_desc_t>, allocate: Bool = false) {
        var memory: dnnl_memory_t?
        // oneDNN's DNNL_MEMORY_ALLOCATE: the library allocates (once, here).
        let handle = allocate ? UnsafeMutableRawPointer(bitPattern: -1) : nil
        OneDNN.check(dnnl_memory_create(&memory, description, OneDNN.engine, handle), "creating a memory object")
        self.memory = memory!
    }

    /// Points the memory object at `pointer` for the calls that follow.
    func bind(_ pointer: UnsafePointer<Float>) {
        OneDNN.check(dnnl_memory_set_data_handle(memory, UnsafeMutableRawPointer(mutating: pointer)), "binding memory")
    }

    deinit { dnnl_memory_destroy(memory) }
}

/// Weights a primitive reads: the layer's own when the primitive takes that layout, else a copy
/// in the primitive's layout refreshed from them before each run.
final class WeightsIn {
    private let user: BoundMemory
    private let converted: BoundMemory?
    private let reorder: Primitive?
    private let reorderArguments: [dnnl_exec_arg_t]

    init(user: UnsafePointer<dnnl_memory_desc_t>, preferred: UnsafePointer<dnnl_memory_desc_t>) {
        self.user = BoundMemory(user)
        if dnnl_memory_desc_equal(user, preferred) != 0 {
            (converted, reorder, reorderArguments) = (nil, nil, [])
        } else {
            let converted = BoundMemory(preferred, allocate: true)
            self.converted = converted
            reorder = Primitive(reordering: user, to: preferred, accumulate: false)
            reorderArguments = arguments([(DNNL_ARG_FROM, self.user.memory), (DNNL_ARG_TO, converted.memory)])
        }
    }

    /// The memory the primitive reads, after `prepare`.
    var memory: dnnl_memory_t { converted?.memory ?? user.memory }

    func prepare(from weights: UnsafePointer<Float>) {
        user.bind(weights)
        reorder?.run(reorderArguments)
    }
}

/// A weight gradient in the primitive's layout, stored into (or added to) the layer's own.
final class WeightsOut {
    private let produced: BoundMemory
    private let user: BoundMemory
    private let write: Primitive
    private let add: Primitive
    private let reorderArguments: [dnnl_exec_arg_t]

    init(preferred: UnsafePointer<dnnl_memory_desc_t>, user: UnsafePointer<dnnl_memory_desc_t>) {
        produced = BoundMemory(preferred, allocate: true)
        self.user = BoundMemory(user)
        write = Primitive(reordering: preferred, to: user, accumulate: false)
        add = Primitive(reordering: preferred, to: user, accumulate: true)
        reorderArguments = arguments([(DNNL_ARG_FROM, produced.memory), (DNNL_ARG_TO, self.user.memory)])
    }

    var memory: dnnl_memory_t { produced.memory }

    func store(into weights: UnsafeMutablePointer<Float>, accumulate: Bool) {
        user.bind(weights)
        (accumulate ? add : write).run(reorderArguments)
    }
}
