import Spec

/// A phase's loss with its meaning decided once: every name bound to a network, a loss function or
/// a batch; the shape of every batch; what every value depends on; arithmetic of numbers folded.
///
/// `ShapeInference` builds it, applying every rule a loss must meet, and nothing else walks the
/// loss as written: `check`, the planner, the evaluator, the discriminator probe and the outputs
/// read this. The nodes are in evaluation order (every node after the nodes it reads).
public struct ResolvedLoss: Sendable {
    /// One sub-expression.
    public struct Node: Sendable {
        public var operation: Operation
        /// What it evaluates to: a batch of known shape, a number computed from batches, or a constant.
        public var value: Value
        /// The networks it applies (here or below), and whether any of them is trained by the phase.
        public var dependencies: Dependencies
        public var origin: Origin
        /// The sub-expression as written (canonical form), for messages.
        public var text: String
        /// Rows per sample of a batch: `k` for what is computed from `sample_normal(…, k: k)`.
        public var draws = 1
        /// Set for a batch whose rows do not follow the data batch (`eye(50)` and what is computed
        /// from it: VAMP's pseudo-inputs and their codes).
        public var fixedRows: Int?

        /// The rows it holds for a batch.
        public var rows: RowCount { fixedRows.map { .fixed($0) } ?? .perSample(draws) }
    }

    /// What a node computes from the nodes it reads (by index).
    public enum Operation: Sendable, Equatable {
        /// `x`, the data batch.
        case data
        /// `z`, a batch drawn from the prior.
        case prior
        /// `y`, the data batch's class labels (one value per sample, the class index).
        case labels
        /// A number, or arithmetic of numbers only.
        case constant(Double)
        /// A network applied to a batch.
        case network(String, input: Int)
        /// A loss function of a prediction (a batch) and a target (a batch or a constant).
        case loss(LossFunction, prediction: Int, target: Int)
        case add(Int, Int)
        case subtract(Int, Int)
        case multiply(Int, Int)
        case negate(Int)
        /// `abs` of a number.
        case absolute(Int)
        /// A built-in function making a batch from batches (`concat`, `sample_normal`, a named output).
        case function(AppliedFunction)
        /// A built-in function making a number from batches (`kl_normal`, `mmd`): a term of the loss.
        case term(AppliedTerm)
        /// A factor that follows training's progress (`ramp`).
        case schedule(Schedule)
        /// `updated(phase)`: 1 when the phase at this index updates at the step, else 0.
        case phaseUpdated(Int)
    }

    /// A batch function and the nodes it reads, in argument order.
    public struct AppliedFunction: Sendable, Equatable {
        public var function: any BatchFunction
        public var inputs: [Int]

        public static func == (a: Self, b: Self) -> Bool {
            a.inputs == b.inputs && a.function.description == b.function.description
        }
    }

    /// A term function and the nodes it reads, in argument order.
    public struct AppliedTerm: Sendable, Equatable {
        public var function: any TermFunction
        public var inputs: [Int]

        public static func == (a: Self, b: Self) -> Bool {
            a.inputs == b.inputs && a.function.description == b.function.description
        }
    }

    /// What a node evaluates to.
    public enum Value: Sendable, Equatable {
        case batch(SampleShape)
        /// A number that depends on batches (a loss, or arithmetic with one).
        case scalar
        case constant(Double)
    }

    /// What a node's value depends on.
    public struct Dependencies: Sendable, Equatable {
        /// Every network applied in the node or below it.
        public var networks: Set<String> = []
        /// Whether one of them has weights the phase trains: gradients reach the node.
        public var trained = false

        func union(_ other: Dependencies) -> Dependencies {
            Dependencies(networks: networks.union(other.networks), trained: trained || other.trained)
        }
    }

    public var nodes: [Node]
    /// The node of the whole loss (a number).
    public var root: Int

    /// The networks the loss applies, each once, in evaluation order.
    public var networks: [String] {
        var names: [String] = []
        for node in nodes {
            if case .network(let name, _) = node.operation, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The loss-function nodes, in evaluation order.
    public var lossTerms: [Int] {
        nodes.indices.filter { if case .loss = nodes[$0].operation { return true } else { return false } }
    }

    /// Whether any node draws random numbers (`sample_normal`, `noise`, `mask`).
    public var isRandom: Bool {
        nodes.contains { if case .function(let f) = $0.operation { f.function.isRandom } else { false } }
    }

    /// Whether the loss reads `operation` (`.data`, `.prior`, `.labels`) anywhere.
    public func reads(_ operation: Operation) -> Bool { nodes.contains { $0.operation == operation } }

    /// The nodes `node` reads directly.
    public func inputs(of node: Int) -> [Int] {
        switch nodes[node].operation {
        case .data, .prior, .labels, .constant, .schedule, .phaseUpdated: return []
        case .network(_, let input): return [input]
        case .loss(_, let prediction, let target): return [prediction, target]
        case .add(let a, let b), .subtract(let a, let b), .multiply(let a, let b): return [a, b]
        case .negate(let a), .absolute(let a): return [a]
        case .function(let f): return f.inputs
        case .term(let t): return t.inputs
        }
    }

    /// The networks that take `x` to `node`, innermost first: `decoder(encoder(x))` gives
    /// `[encoder, decoder]`, `x` gives `[]`; nil when the node is not such a chain.
    public func chainOverData(_ node: Int) -> [String]? {
        switch nodes[node].operation {
        case .data: return []
        case .network(let name, let input): return chainOverData(input).map { $0 + [name] }
        default: return nil
        }
    }
}
