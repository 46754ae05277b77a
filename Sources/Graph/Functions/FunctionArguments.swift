import Spec

/// The arguments of a built-in function call as the resolver classified them, with the helpers
/// each function's argument rule uses to read them and say what is wrong.
public struct FunctionArguments: Sendable {
    /// One positional argument.
    public enum Value: Sendable, Equatable {
        /// A batch of this sample shape; `labels` when it is `y` (integer class indices).
        case batch(SampleShape, labels: Bool)
        case constant(Double)
        /// A number that depends on batches (a loss): only `abs` takes one.
        case scalar
    }

    public var function: BuiltinFunction
    public var positional: [Value]
    public var keywords: [(name: String, value: Double)]
    /// The number of classes `y` takes, when the data is labelled and that is known.
    public var classes: Int?
    /// Rows per sample of each positional argument (`k` draws of a posterior give `k`; 1 otherwise).
    public var draws: [Int]
    /// For each positional argument, its rows when they do not follow the batch (`eye(50)`); nil
    /// for the batch's own.
    public var fixedRows: [Int?]

    public init(
        function: BuiltinFunction, positional: [Value], keywords: [(name: String, value: Double)], classes: Int?,
        draws: [Int]? = nil, fixedRows: [Int?]? = nil
    ) {
        self.function = function
        self.positional = positional
        self.keywords = keywords
        self.classes = classes
        self.draws = draws ?? Array(repeating: 1, count: positional.count)
        self.fixedRows = fixedRows ?? Array(repeating: nil, count: positional.count)
    }

    /// The rows per sample of the result of a function that reads its arguments side by side: the
    /// most draws among them, each argument having that many or one (read once per draw).
    func broadcastDraws() throws(FunctionProblem) -> Int {
        let most = draws.max() ?? 1
        if let index = draws.firstIndex(where: { $0 != 1 && $0 != most }) {
            throw FunctionProblem(
                "\(name) reads its arguments draw by draw, but they come from \(most) and \(draws[index]) draws", index)
        }
        return most
    }

    /// How many times a row of argument `index` is read: once per draw when it has one draw and
    /// the result `draws`.
    func repeats(_ index: Int, draws result: Int) -> Int { draws[index] == result ? 1 : result }

    var name: String { function.rawValue }

    /// Requires exactly `count` positional arguments (or `range`).
    func expect(_ range: ClosedRange<Int>) throws(FunctionProblem) {
        guard range.contains(positional.count) else {
            let wanted = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "at least \(range.lowerBound)"
            throw FunctionProblem(
                "\(name) takes \(wanted) argument\(range.lowerBound == 1 ? "" : "s"): \(function.signature); found \(positional.count)"
            )
        }
    }

    /// Argument `index` as a batch of any shape (not labels).
    func batch(_ index: Int, _ role: String) throws(FunctionProblem) -> SampleShape {
        switch positional[index] {
        case .batch(let shape, labels: false): return shape
        case .batch(_, labels: true):
            throw FunctionProblem("the \(role) of \(name) must be a batch of features; y holds class labels", index)
        case .constant, .scalar:
            throw FunctionProblem(
                "the \(role) of \(name) must be a batch such as x or encoder(x); found a number", index)
        }
    }

    /// Argument `index` as a batch of flat features (`[n]`).
    func flat(_ index: Int, _ role: String) throws(FunctionProblem) -> Int {
        let shape = try batch(index, role)
        guard shape.count == 1 else {
            throw FunctionProblem(
                "the \(role) of \(name) must be flat features; found \(shape.shapeText) (end the network with flatten or dense)",
                index)
        }
        return shape[0]
    }

    /// `(mu, logvar)`: two flat batches of one width, and no named argument but `keywords`;
    /// returns the width.
    func normalParameters(keywords allowed: [String] = []) throws(FunctionProblem) -> Int {
        try expect(2...2)
        _ = try keyword("", allowed: allowed, in: 0...0)
        let mu = try flat(0, "mean"), logvar = try flat(1, "log-variance")
        guard mu == logvar else {
            throw FunctionProblem("\(name) needs mu and logvar of one size; found \(mu) and \(logvar)", 1)
        }
        return mu
    }

    /// The width of a log density's point z, for `f(z)` under the density's prior (`prior` words it)
    /// or `f(z, location, logvar)` with all three of one width; `parameters` says which was written.
    func densityPoint(prior: String, location: (name: String, role: String)) throws(FunctionProblem) -> (
        width: Int, parameters: Bool
    ) {
        guard positional.count == 1 || positional.count == 3 else {
            throw FunctionProblem(
                "\(name) takes z (under \(prior)) or z, \(location.name) and logvar: \(function.signature); found \(positional.count) arguments"
            )
        }
        _ = try keyword("", allowed: [], in: 0...0)
        let z = try flat(0, "point")
        if positional.count == 3 {
            let loc = try flat(1, location.role), logvar = try flat(2, "log-variance")
            for (index, width) in [(1, loc), (2, logvar)] where width != z {
                throw FunctionProblem(
                    "\(name) needs z, \(location.name) and logvar of one size; found \(z) and \(width)", index)
            }
        }
        return (z, positional.count == 3)
    }

    /// Argument `index` as `y`, the batch's labels.
    func labels(_ index: Int, _ role: String) throws(FunctionProblem) {
        guard case .batch(_, labels: true) = positional[index] else {
            throw FunctionProblem("the \(role) of \(name) must be y, the batch's class labels", index)
        }
    }

    /// Argument `index` as a constant in `range`.
    func constant(_ index: Int, _ role: String, in range: ClosedRange<Double>) throws(FunctionProblem) -> Double {
        guard case .constant(let value) = positional[index] else {
            throw FunctionProblem("the \(role) of \(name) must be a constant number", index)
        }
        guard range.contains(value) else {
            throw FunctionProblem(
                "the \(role) of \(name) must be in \(range.lowerBound)…\(range.upperBound); found \(value)", index)
        }
        return value
    }

    /// The keyword `key`'s value, or `fallback` when absent; refuses keywords not in `allowed`.
    func keyword(_ key: String, allowed: [String], in range: ClosedRange<Double>) throws(FunctionProblem) -> Double? {
        for (name, _) in keywords where !allowed.contains(name) {
            let hint = allowed.isEmpty ? " (it takes none)" : NearestName.hint(name, in: allowed)
            var problem = FunctionProblem("\(self.name) has no argument '\(name)'\(hint)")
            problem.keyword = name
            throw problem
        }
        guard let value = keywords.first(where: { $0.name == key })?.value else { return nil }
        guard range.contains(value) else {
            var problem = FunctionProblem(
                "\(name)'s \(key) must be in \(range.lowerBound)…\(range.upperBound); found \(value)")
            problem.keyword = key
            throw problem
        }
        return value
    }
}

/// Why a built-in call does not fit its rule; `argument` is the positional argument to point at.
public struct FunctionProblem: Error, Sendable {
    public var message: String
    public var argument: Int?
    /// The named argument to point at, when it is one.
    public var keyword: String?

    public init(_ message: String, _ argument: Int? = nil) {
        self.message = message
        self.argument = argument
    }
}

/// What a built-in call means once its arguments fit.
public enum FunctionMeaning: Sendable {
    /// A batch of `shape`, computed from the positional arguments at `inputs`.
    case batch(any BatchFunction, SampleShape, inputs: [Int])
    /// A number computed from the positional arguments at `inputs`: a term of the loss.
    case term(any TermFunction, inputs: [Int])
    /// A factor that follows training's progress.
    case schedule(Schedule)
    /// The absolute value of the only argument, a number.
    case absolute
}
