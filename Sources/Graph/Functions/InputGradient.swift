import Kernels
import Spec

/// `input_gradient(f(z), z, g)`: per sample the vector–Jacobian product Jᵀ·g, the gradient with
/// respect to z of Σ g ⊙ f(z) with g held fixed; `f` is a chain of networks applied to z made of
/// the layers `gradient_penalty` differentiates, and g a batch of f(z)'s shape. With g = f(z) − x
/// it is ∂(½‖f(z) − x‖²)/∂z, the potential's gradient in HVAE's leapfrog steps.
///
/// The result enters the loss as a constant: the planner gives it no gradient, so nothing flows
/// back through it into z, g or the networks' weights. That is what `torch.autograd.grad` without
/// `create_graph` gives, as pythae's HVAE computes ∂U/∂z.
public struct InputGradient: BatchFunction {
    /// Empty as the loss resolves; the planner fills them from the phase's layer applications.
    public let steps: [GradientPenalty.Step]
    public let parameterLayers: [TermParameterLayer]
    /// The width of the chain's input, then of each step's output.
    let widths: [Int]
    /// Where each inner width's g starts in scratch, per sample (the outer two are the output and
    /// the seed).
    let offsets: [Int]

    public var description: String { "input_gradient" }

    init(steps: [GradientPenalty.Step] = [], parameterLayers: [TermParameterLayer] = [], widths: [Int] = []) {
        self.steps = steps
        self.parameterLayers = parameterLayers
        self.widths = widths
        var offsets = [0, 0]
        for width in widths.dropFirst().dropLast() { offsets.append(offsets[offsets.count - 1] + width) }
        self.offsets = offsets
    }

    static func resolve(_ arguments: FunctionArguments) throws(FunctionProblem) -> FunctionMeaning {
        try arguments.expect(3...3)
        _ = try arguments.keyword("", allowed: [], in: 0...0)
        let output = try arguments.batch(0, "output"), input = try arguments.batch(1, "input")
        let seed = try arguments.batch(2, "seed")
        guard seed == output else {
            throw FunctionProblem(
                "the seed of input_gradient has the shape of its first argument, \(output); found \(seed)", 2)
        }
        return .batch(InputGradient(), input, inputs: [0, 1, 2])
    }

    public func scratch(inputs: [SampleShape], output: SampleShape, batch: Int) -> Int {
        batch * offsets[offsets.count - 1]
    }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        let n = b.batch, last = widths.count - 1
        guard n > 0, last > 0 else { return }
        let seed = b.inputs[b.inputs.count - 1]
        func g(_ index: Int) -> UnsafeMutablePointer<Float> {
            index == 0 ? b.output : index == last ? seed : b.scratch + n * offsets[index]
        }
        GradientPenalty.chainBackward(
            steps, g: g, parameters: b.parameters, inputs: b.inputs, batch: n, context: b.context)
    }

    /// A constant's gradient is zero; the planner runs none, but a first writer still owes its zeros.
    public func backward(_ b: FunctionBuffers) {
        for (index, d) in b.dInputs.enumerated() {
            if let d, !d.accumulate { d.0.update(repeating: 0, count: b.batch * b.inputShapes[index].elementCount) }
        }
    }
}

extension PhasePlan.Builder {
    /// `input_gradient` of value `output` over value `input` seeded with value `seed`, planned on
    /// the applications that compute one from the other, and the values it reads: `input`, each
    /// activation's output, then `seed`.
    func inputGradient(of output: Int, over input: Int, seed: Int) -> (InputGradient, [Int]) {
        let chain = differentiatedChain(of: output, over: input)
        return (
            InputGradient(steps: chain.steps, parameterLayers: chain.layers, widths: chain.widths),
            chain.inputs + [seed]
        )
    }
}
