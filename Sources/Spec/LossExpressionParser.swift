/// Parses loss expressions: calls, names, numbers, `+`, `-` (binary and unary), `*` and parentheses.
///
///     expression := term (('+' | '-') term)*
///     term       := unary ('*' unary)*
///     unary      := '-' unary | postfix
///     postfix    := primary ('.' name)*
///     primary    := number | name | name '(' argument (',' argument)* ')' | '(' expression ')'
///     argument   := (name ':')? expression
public struct LossExpressionParser {
    /// The deepest nesting accepted; no real loss comes near it.
    public static let depthLimit = 64

    private let characters: [Character]
    private let origin: Origin
    private var position = 0
    private var depth = 0

    /// - Parameters:
    ///   - text: the expression.
    ///   - origin: where its first character stands, so errors can point inside it.
    public init(_ text: String, origin: Origin) {
        self.characters = Array(text)
        self.origin = origin
    }

    /// The parsed expression, or the first syntax error with its column.
    public static func parse(_ text: String, origin: Origin) -> Result<LossExpression, Diagnostic> {
        var parser = LossExpressionParser(text, origin: origin)
        do {
            let expression = try parser.expression()
            parser.skipSpaces()
            if parser.position < parser.characters.count {
                throw parser.error("unexpected '\(parser.characters[parser.position])' after a complete expression")
            }
            return .success(expression)
        } catch let diagnostic as Diagnostic {
            return .failure(diagnostic)
        } catch {
            return .failure(Diagnostic(origin, "\(error)"))
        }
    }

    private func here(_ at: Int? = nil) -> Origin { origin.advanced(by: at ?? position) }

    private func error(_ message: String, at: Int? = nil) -> Diagnostic {
        Diagnostic(here(at), "in the loss: \(message)")
    }

    private mutating func skipSpaces() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    private mutating func peek() -> Character? {
        skipSpaces()
        return position < characters.count ? characters[position] : nil
    }

    private mutating func expression() throws -> LossExpression {
        depth += 1
        defer { depth -= 1 }
        if depth > LossExpressionParser.depthLimit { throw error("the expression nests too deeply") }
        var left = try term()
        while let c = peek(), c == "+" || c == "-" {
            let at = here()
            position += 1
            let right = try term()
            left = c == "+" ? .add(left, right, at) : .subtract(left, right, at)
        }
        return left
    }

    private mutating func term() throws -> LossExpression {
        var left = try unary()
        while peek() == "*" {
            let at = here()
            position += 1
            left = .multiply(left, try unary(), at)
        }
        return left
    }

    private mutating func unary() throws -> LossExpression {
        if peek() == "-" {
            let at = here()
            position += 1
            depth += 1
            defer { depth -= 1 }
            if depth > LossExpressionParser.depthLimit { throw error("the expression nests too deeply") }
            return .negate(try unary(), at)
        }
        var value = try primary()
        while peek() == "." {
            position += 1
            skipSpaces()
            let start = position
            guard let name = plainName() else { throw error("expected the name of an output after '.'", at: start) }
            value = .select(value, name, here(start))
        }
        return value
    }

    /// A name at the current position (letters, digits, '_'), or nil when none starts here.
    private mutating func plainName() -> String? {
        let start = position
        guard position < characters.count, characters[position].isLetter || characters[position] == "_" else {
            return nil
        }
        while position < characters.count,
            characters[position].isLetter || characters[position].isNumber || characters[position] == "_"
        {
            position += 1
        }
        return String(characters[start..<position])
    }

    private mutating func primary() throws -> LossExpression {
        guard let c = peek() else { throw error("expected a name, a number or '(' but the expression ended") }
        if c == "(" {
            position += 1
            let inner = try expression()
            guard peek() == ")" else { throw error("expected ')' to close the '(' here") }
            position += 1
            return inner
        }
        if c.isNumber || c == "." { return try number() }
        if c.isLetter || c == "_" { return try nameOrCall() }
        throw error("expected a name, a number or '(' but found '\(c)'")
    }

    private mutating func number() throws -> LossExpression {
        let start = position
        while position < characters.count,
            characters[position].isNumber || ".eE".contains(characters[position])
                || ("+-".contains(characters[position]) && "eE".contains(characters[position - 1]))
        {
            position += 1
        }
        let text = String(characters[start..<position])
        guard let value = Double(text), value.isFinite else { throw error("'\(text)' is not a number", at: start) }
        return .number(value, here(start))
    }

    private mutating func nameOrCall() throws -> LossExpression {
        let start = position
        let name = plainName() ?? ""
        guard peek() == "(" else { return .variable(name, here(start)) }
        position += 1
        var arguments: [LossExpression] = []
        if peek() == ")" {
            position += 1
            return .call(name, arguments, here(start))
        }
        while true {
            arguments.append(try argument())
            switch peek() {
            case ",": position += 1
            case ")":
                position += 1
                return .call(name, arguments, here(start))
            case let other?: throw error("expected ',' or ')' in the arguments of '\(name)' but found '\(other)'")
            case nil: throw error("expected ')' to close '\(name)(' but the expression ended")
            }
        }
    }
}

extension LossExpressionParser {
    /// One argument of a call: an expression, or `name: expression`.
    fileprivate mutating func argument() throws -> LossExpression {
        skipSpaces()
        let start = position
        if let name = plainName() {
            if peek() == ":" {
                position += 1
                return .keyword(name, try expression(), here(start))
            }
            position = start
        }
        return try expression()
    }
}
