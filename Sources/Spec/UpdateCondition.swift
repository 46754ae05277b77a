/// A phase's `when:`: whether this step's update is made, decided from the values its own loss
/// terms took in the step's forward pass (VAE-GAN's equilibrium margin on the discriminator's
/// costs).
///
///     condition  := clause ('or' clause)*
///     clause     := comparison ('and' comparison)*
///     comparison := term ('<' | '<=' | '>' | '>=') number
///
/// A term is a loss-function call that the phase's loss adds up (`bce(discriminator(x), 1)`),
/// written as in the loss: the same text is the same value.
public struct UpdateCondition: Sendable, Equatable {
    /// How a term's value is compared with its bound.
    public enum Relation: String, Sendable, CaseIterable {
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="

        /// Whether `value` stands in this relation to `bound`.
        public func holds(_ value: Double, _ bound: Double) -> Bool {
            switch self {
            case .less: return value < bound
            case .lessOrEqual: return value <= bound
            case .greater: return value > bound
            case .greaterOrEqual: return value >= bound
            }
        }
    }

    /// One `term < bound`.
    public struct Comparison: Sendable, Equatable {
        public var term: LossExpression
        public var relation: Relation
        public var bound: Double
    }

    /// The clauses, any of which allows the update; each holds when all its comparisons do.
    public var clauses: [[Comparison]]
    /// The condition as written.
    public var text: String

    /// Whether the update is made, given each comparison's term value (`value(term)`).
    public func allows(_ value: (LossExpression) -> Double) -> Bool {
        clauses.contains { clause in clause.allSatisfy { $0.relation.holds(value($0.term), $0.bound) } }
    }

    /// Every comparison, clause after clause.
    public var comparisons: [Comparison] { clauses.flatMap { $0 } }

    /// Parses `text`, which starts at `origin`; the first error with its column.
    public static func parse(_ text: String, origin: Origin) -> Result<UpdateCondition, Diagnostic> {
        var clauses: [[Comparison]] = []
        for (clauseText, clauseStart) in split(text, on: "or", from: 0) {
            var clause: [Comparison] = []
            for (comparisonText, start) in split(clauseText, on: "and", from: clauseStart) {
                switch comparison(comparisonText, origin: origin.advanced(by: start)) {
                case .success(let comparison): clause.append(comparison)
                case .failure(let diagnostic): return .failure(diagnostic)
                }
            }
            clauses.append(clause)
        }
        return .success(UpdateCondition(clauses: clauses, text: text))
    }

    private static func comparison(_ text: String, origin: Origin) -> Result<Comparison, Diagnostic> {
        let characters = Array(text)
        var depth = 0
        for index in characters.indices {
            switch characters[index] {
            case "(": depth += 1
            case ")": depth -= 1
            case "<" where depth == 0, ">" where depth == 0:
                let wide = index + 1 < characters.count && characters[index + 1] == "="
                let relation: Relation =
                    characters[index] == "<" ? (wide ? .lessOrEqual : .less) : (wide ? .greaterOrEqual : .greater)
                let symbol = relation.rawValue
                var boundStart = index + (wide ? 2 : 1)
                while boundStart < characters.count, characters[boundStart].isWhitespace { boundStart += 1 }
                let boundText = String(characters[boundStart...]).trimmingSpaces
                guard let bound = Double(boundText), bound.isFinite else {
                    let message = "in the condition: expected a number after '\(symbol)', found '\(boundText)'"
                    return .failure(Diagnostic(origin.advanced(by: boundStart), message))
                }
                let termText = String(characters[..<index])
                let leading = termText.prefix { $0.isWhitespace }.count
                return LossExpressionParser.parse(
                    termText.trimmingSpaces, origin: origin.advanced(by: leading)
                ).map { Comparison(term: $0, relation: relation, bound: bound) }
            default: break
            }
        }
        let message =
            "in the condition: expected a comparison of a term of the loss with a number "
            + "(bce(discriminator(x), 1) < 0.28), found '\(text.trimmingSpaces)'"
        return .failure(Diagnostic(origin.advanced(by: text.prefix { $0.isWhitespace }.count), message))
    }

    /// The pieces of `text` between the word `word` where it stands outside parentheses, each with
    /// its column (counted from `start`, the column of `text` itself).
    private static func split(_ text: String, on word: String, from start: Int) -> [(String, Int)] {
        let characters = Array(text), wordCharacters = Array(word)
        var pieces: [(String, Int)] = []
        var depth = 0, pieceStart = 0, index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            let end = index + wordCharacters.count
            if depth == 0, index > 0, characters[index - 1].isWhitespace, end < characters.count,
                characters[end].isWhitespace, Array(characters[index..<end]) == wordCharacters
            {
                pieces.append((String(characters[pieceStart..<index]), start + pieceStart))
                pieceStart = end
                index = end
                continue
            }
            index += 1
        }
        pieces.append((String(characters[pieceStart...]), start + pieceStart))
        return pieces
    }

    /// The terms a loss adds up: its loss-function and term calls, outside `abs(…)`, the schedules
    /// and `updated(…)`, which combine them.
    public static func terms(of loss: LossExpression) -> [LossExpression] {
        switch loss {
        case .number, .variable, .select, .keyword: return []
        case .add(let a, let b, _), .subtract(let a, let b, _), .multiply(let a, let b, _):
            return terms(of: a) + terms(of: b)
        case .negate(let a, _): return terms(of: a)
        case .call("abs", let arguments, _): return arguments.flatMap(terms(of:))
        case .call("ramp", _, _), .call("updated", _, _): return []
        case .call: return [loss]
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

extension SpecDecoder {
    func decodeCondition(_ node: inout YAMLNode, index: Int) -> UpdateCondition? {
        guard let text = scalars.string(node, "phases[\(index)].when") else { return nil }
        switch UpdateCondition.parse(text, origin: node.origin.advanced(by: node.isQuoted ? 1 : 0)) {
        case .success(let condition): return condition
        case .failure(let diagnostic):
            log.error(diagnostic.origin, diagnostic.message)
            return nil
        }
    }

    /// Reports each comparison whose term the phase's loss does not add up: its value would not
    /// exist at the step.
    func checkCondition(_ condition: UpdateCondition, of phase: PhaseSpec, index: Int) {
        let terms = UpdateCondition.terms(of: phase.loss).map(\.text)
        for comparison in condition.comparisons where !terms.contains(comparison.term.text) {
            log.error(
                comparison.term.origin,
                "phases[\(index)].when compares '\(comparison.term.text)', which the loss of phase "
                    + "'\(phase.name)' does not add up; its terms: \(terms.map { "'\($0)'" }.joined(separator: ", "))")
        }
    }
}
