import Kernels
import Spec

/// `gradient_penalty(f(x), x)`: RAE-GP's penalty. Per sample, the squared norm of the gradient of
/// the sum of `f`'s outputs with respect to its input, ‖Jᵀ·1‖², averaged over the batch; `f` is a
/// chain of networks applied to the second argument (`decoder(encoder(x))`).
///
/// Its parameter gradients are second-order reverse mode over the chain. Forward runs the chain's
/// backward pass with ones (g, the vector–Jacobian product) and keeps each layer's g; backward runs
/// that pass in reverse. A dense layer's g_in = g_out·Wᵀ gives W̄ += ḡ_inᵀ·g_out and ḡ_out = ḡ_in·W;
/// an activation's g_in = g_out ⊙ f′(a) gives ḡ_out = ḡ_in ⊙ f′(a) and ā = ḡ_in ⊙ g_out ⊙ f″(a).
/// Every supported activation has f″(a) = f′(a)·h(y) (sigmoid: 1 − 2y, tanh: −2y, relu and leaky
/// relu: 0), so ā is the ordinary backward of ȳ = ḡ_in ⊙ g_out ⊙ h(y): the term adds ȳ to the
/// gradient of the activation's output, and the phase's own backward carries it down the chain.
public struct GradientPenalty: TermFunction {
    /// One layer's part of the chain, input to output.
    public enum Step: Sendable {
        /// y = x·W + b; `parameterLayer` indexes `parameterLayers`.
        case dense(inputs: Int, units: Int, parameterLayer: Int)
        /// y = f(a) over `width` values, whose output is the term's input `input`.
        case activation(Activation, width: Int, input: Int)
    }

    /// Empty as the loss resolves; the planner fills them from the phase's layer applications.
    public let steps: [Step]
    public let parameterLayers: [TermParameterLayer]
    /// The width of the chain's input, then of each step's output.
    let widths: [Int]
    /// Where each width's g starts in scratch, per sample; the last entry is where ḡ starts.
    let offsets: [Int]

    public var description: String { "gradient_penalty" }

    init(steps: [Step] = [], parameterLayers: [TermParameterLayer] = [], widths: [Int] = []) {
        self.steps = steps
        self.parameterLayers = parameterLayers
        self.widths = widths
        var offsets = [0]
        for width in widths { offsets.append(offsets[offsets.count - 1] + width) }
        self.offsets = offsets
    }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(2...2)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        _ = try arguments.batch(0, "output")
        _ = try arguments.batch(1, "input")
        return .term(GradientPenalty(), inputs: [0, 1])
    }

    /// Why the loss cannot take the penalty of node `output` over node `input`, or nil: `output`
    /// must be networks applied to `input`, made only of layers this term differentiates twice.
    static func chainProblem(
        of output: Int, over input: Int, _ nodes: [ResolvedLoss.Node], _ summaries: [String: NetworkSummary],
        function: BuiltinFunction = .gradientPenalty
    ) -> String? {
        let callee = function.rawValue
        var node = output, networks: [String] = []
        while node != input {
            guard case .network(let name, let inner) = nodes[node].operation else {
                return "\(callee) needs networks applied to its second argument, as in "
                    + "\(function.signature); '\(nodes[node].text)' is not a network applied to "
                    + "'\(nodes[input].text)'"
            }
            networks.insert(name, at: 0)
            node = inner
        }
        if networks.isEmpty { return "\(callee) needs at least one network between its arguments" }
        for name in networks {
            for (index, layer) in (summaries[name]?.layers ?? []).enumerated() {
                let kind = LayerRegistry.layer(for: layer.spec.kind)
                if kind is Dense || kind is any ActivationLayer || kind.isView { continue }
                return
                    "\(callee) \(function == .gradientPenalty ? "differentiates twice" : "differentiates") through dense, relu, leaky_relu, sigmoid, tanh, "
                    + "flatten and reshape layers; network '\(name)' layer \(index) is \(layer.spec.summary)"
            }
        }
        return nil
    }

    public func scratch(inputs: [SampleShape], batch: Int) -> Int {
        batch * (offsets[offsets.count - 1] + 2 * (widths.max() ?? 0))
    }

    /// g at width `index` for this step's batch.
    @inline(__always)
    private func g(_ index: Int, _ b: TermBuffers) -> UnsafeMutablePointer<Float> {
        b.scratch + b.batch * offsets[index]
    }

    public func forward(_ b: TermBuffers) -> Double {
        let n = b.batch, last = widths.count - 1
        guard n > 0, last > 0 else { return 0 }
        g(last, b).update(repeating: 1, count: n * widths[last])
        Self.chainBackward(
            steps, g: { g($0, b) }, parameters: b.parameters, inputs: b.inputs, batch: n, context: b.context)
        let inputGradient = g(0, b)
        var total = 0.0
        for i in 0..<(n * widths[0]) { total += Double(inputGradient[i]) * Double(inputGradient[i]) }
        return total / Double(n)
    }

    /// The chain's backward pass from g at its output, `g(steps.count)`, down to g at its input,
    /// `g(0)`, writing each width's g: `parameters` are the dense layers' tensors, `inputs` hold the
    /// activations' outputs. `input_gradient` runs it too, seeded with its third argument.
    static func chainBackward(
        _ steps: [Step], g: (Int) -> UnsafeMutablePointer<Float>, parameters: [[UnsafeMutablePointer<Float>]],
        inputs: [UnsafeMutablePointer<Float>], batch n: Int, context: ExecutionContext
    ) {
        for index in steps.indices.reversed() {
            switch steps[index] {
            case .dense(let width, let units, let layer):
                gemm(
                    c: g(index), a: g(index + 1), b: parameters[layer][0], m: n, n: width, k: units,
                    transposeB: true, accumulate: false, context: context)
            case .activation(let activation, let width, let input):
                activationBackward(
                    dInput: g(index), output: inputs[input], dOutput: g(index + 1), count: n * width,
                    activation: activation, accumulate: false, context: context)
            }
        }
    }

    public func backward(_ b: TermBuffers, upstream: Double) {
        let n = b.batch
        guard n > 0, !steps.isEmpty else { return }
        let largest = widths.max() ?? 0
        var adjoint = b.scratch + n * offsets[widths.count], next = adjoint + n * largest
        let scale = Float(2 * upstream / Double(n)), inputGradient = g(0, b)
        for i in 0..<(n * widths[0]) { adjoint[i] = scale * inputGradient[i] }
        // The chain's input enters the penalty only through the activations above it.
        if let d = b.dInputs[0], !d.accumulate { d.0.update(repeating: 0, count: n * widths[0]) }
        for index in steps.indices {
            let more = index + 1 < steps.count
            switch steps[index] {
            case .dense(let inputs, let units, let layer):
                if let (gradients, accumulate) = b.parameterGradients[layer] {
                    gemm(
                        c: gradients[0], a: adjoint, b: g(index + 1, b), m: inputs, n: units, k: n, transposeA: true,
                        accumulate: accumulate, context: b.context)
                    // The bias is not in g's pass; as the first writer its gradient starts at zero.
                    if !accumulate, gradients.count > 1 { gradients[1].update(repeating: 0, count: units) }
                }
                if more {
                    gemm(
                        c: next, a: adjoint, b: b.parameters[layer][0], m: n, n: units, k: inputs, accumulate: false,
                        context: b.context)
                }
            case .activation(let activation, let width, let input):
                if let d = b.dInputs[input] {
                    Self.curvature(
                        d, adjoint: adjoint, g: g(index + 1, b), output: b.inputs[input], count: n * width,
                        activation: activation)
                }
                if more {
                    activationBackward(
                        dInput: next, output: b.inputs[input], dOutput: adjoint, count: n * width,
                        activation: activation, accumulate: false, context: b.context)
                }
            }
            swap(&adjoint, &next)
        }
    }

    /// Writes or adds ȳ = ḡ_in ⊙ g_out ⊙ h(y) into the activation output's gradient `d`, where
    /// f″(a) = f′(a)·h(y); zero where f″ is (relu, leaky relu, identity).
    static func curvature(
        _ d: (UnsafeMutablePointer<Float>, accumulate: Bool), adjoint: UnsafePointer<Float>, g: UnsafePointer<Float>,
        output y: UnsafePointer<Float>, count: Int, activation: Activation
    ) {
        switch activation {
        case .sigmoid:
            for i in 0..<count { write(adjoint[i] * g[i] * (1 - 2 * y[i]), to: d, at: i) }
        case .tanh:
            for i in 0..<count { write(adjoint[i] * g[i] * (-2 * y[i]), to: d, at: i) }
        case .relu, .leakyReLU, .identity:
            if !d.accumulate { d.0.update(repeating: 0, count: count) }
        }
    }
}

extension PhasePlan.Builder {
    /// The penalty of value `output` over value `input` planned on the applications that compute
    /// one from the other, and the values it reads: `input`, then each activation's output.
    func gradientPenalty(of output: Int, over input: Int) -> (GradientPenalty, [Int]) {
        let chain = differentiatedChain(of: output, over: input)
        return (GradientPenalty(steps: chain.steps, parameterLayers: chain.layers, widths: chain.widths), chain.inputs)
    }

    /// The steps of the layer applications that compute value `output` from value `input`, the
    /// dense layers they read, the widths from input to output, and the values they read: `input`,
    /// then each activation's output.
    func differentiatedChain(
        of output: Int, over input: Int
    ) -> (steps: [GradientPenalty.Step], layers: [TermParameterLayer], widths: [Int], inputs: [Int]) {
        var chain: [PhasePlan.Application] = [], current = output
        while current != input {
            guard let application = plan.applications.last(where: { $0.output == current }) else {
                preconditionFailure("a chain resolved over a value no layer computes")
            }
            chain.insert(application, at: 0)
            current = application.input
        }
        var inputs = [input], widths = [plan.values[input].shape.elementCount]
        var steps: [GradientPenalty.Step] = [], layers: [TermParameterLayer] = []
        func activate(_ activation: Activation, _ value: Int) {
            inputs.append(value)
            steps.append(.activation(activation, width: widths[widths.count - 1], input: inputs.count - 1))
            widths.append(widths[widths.count - 1])
        }
        for application in chain where !application.layer.isView {
            if let dense = application.layer as? Dense {
                layers.append(
                    TermParameterLayer(
                        network: application.network, layer: application.layerIndex,
                        trains: application.computesParameterGradients))
                steps.append(
                    .dense(inputs: widths[widths.count - 1], units: dense.units, parameterLayer: layers.count - 1))
                widths.append(dense.units)
                if application.epilogue != .identity { activate(application.epilogue, application.output) }
            } else if let activation = application.layer as? any ActivationLayer {
                activate(activation.activation, application.output)
            } else {
                preconditionFailure("a chain resolved over \(type(of: application.layer))")
            }
        }
        return (steps, layers, widths, inputs)
    }
}
