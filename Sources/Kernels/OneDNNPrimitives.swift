import CDNNL

// oneDNN's general plumbing, shared by every primitive runexp creates: argument lists, memory
// descriptions, primitives created once, memory bound to caller-owned pointers, and weights
// reordered between the caller's layout and the one a primitive prefers.

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

/// A primitive and its description, created once (at plan time), with the stream it runs on.
final class Primitive {
    let description: dnnl_primitive_desc_t
    let primitive: dnnl_primitive_t
    /// oneDNN's stream, taken when the primitive is made, so that running it reads no global.
    private let stream = OneDNN.stream

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
            dnnl_primitive_execute(primitive, stream, Int32(arguments.count), arguments), "running a primitive")
        OneDNN.check(dnnl_stream_wait(stream), "waiting for a primitive")
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
