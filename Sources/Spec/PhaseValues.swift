/// One named value of a phase (`values: {z1: …}`): what a later value or the loss may use by name.
public struct PhaseValue: Sendable, Equatable {
    public var name: String
    /// The definition, with the earlier values it uses already written out.
    public var expression: LossExpression
    /// Where its name was written.
    public var origin: Origin
}

extension SpecDecoder {
    /// The phase's `values:` in the order written, each parsed at its own place and with the values
    /// before it substituted; nil when a name is reserved, used before its definition or
    /// never used (reported), as a loss with such names would only repeat those problems.
    func decodeValues(_ node: YAMLNode, phase index: Int, loss: LossExpression?) -> [PhaseValue]? {
        let problemsBefore = log.diagnostics.count
        guard let entries = node.entries else {
            log.error(
                node.origin,
                "phases[\(index)].values must map names to expressions, e.g. {z1: 'z0 + 0.001 * rho0'}; found \(node.kindDescription)"
            )
            return nil
        }
        var values: [PhaseValue] = []
        var written: [LossExpression] = []
        var failed = false
        for (position, entry) in entries.enumerated() {
            checkName(entry.key, entry.keyOrigin, "value")
            guard let (expression, _) = decodeLoss(entry.value, "phases[\(index)].values.\(entry.key)") else {
                failed = true
                continue
            }
            for later in entries[position...] {
                for origin in expression.uses(of: later.key) {
                    log.error(
                        origin,
                        "in value '\(entry.key)': '\(later.key)' is used before it is defined at \(later.keyOrigin.place); a value may use only the values above it"
                    )
                }
            }
            written.append(expression)
            values.append(
                PhaseValue(name: entry.key, expression: expression.substituting(values), origin: entry.keyOrigin))
        }
        guard !failed, let loss else { return nil }
        // An unused value is most often a misspelt use of it.
        for value in values where (written + [loss]).allSatisfy({ $0.uses(of: value.name).isEmpty }) {
            log.error(value.origin, "value '\(value.name)' is not used by the loss or by a later value")
        }
        return log.diagnostics.count == problemsBefore ? values : nil
    }
}

extension LossExpression {
    /// Where `name` is read as a value in this expression (a call's or an output's name is not).
    func uses(of name: String) -> [Origin] {
        switch self {
        case .number: return []
        case .variable(let used, let origin): return used == name ? [origin] : []
        case .call(_, let arguments, _): return arguments.flatMap { $0.uses(of: name) }
        case .add(let a, let b, _), .subtract(let a, let b, _), .multiply(let a, let b, _):
            return a.uses(of: name) + b.uses(of: name)
        case .negate(let a, _), .select(let a, _, _), .keyword(_, let a, _): return a.uses(of: name)
        }
    }

    /// This expression with each value's name replaced by its definition. The graph makes one node
    /// of identical sub-expressions, so a value used twice is computed once (and one draw).
    public func substituting(_ values: [PhaseValue]) -> LossExpression {
        if values.isEmpty { return self }
        switch self {
        case .number: return self
        case .variable(let name, _): return values.last { $0.name == name }?.expression ?? self
        case .call(let name, let arguments, let origin):
            return .call(name, arguments.map { $0.substituting(values) }, origin)
        case .add(let a, let b, let origin): return .add(a.substituting(values), b.substituting(values), origin)
        case .subtract(let a, let b, let origin):
            return .subtract(a.substituting(values), b.substituting(values), origin)
        case .multiply(let a, let b, let origin):
            return .multiply(a.substituting(values), b.substituting(values), origin)
        case .negate(let a, let origin): return .negate(a.substituting(values), origin)
        case .select(let a, let name, let origin): return .select(a.substituting(values), name, origin)
        case .keyword(let name, let a, let origin): return .keyword(name, a.substituting(values), origin)
        }
    }
}
