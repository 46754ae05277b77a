import Spec

/// The part of the one walk of a loss that resolves arithmetic on batches: the sum or difference of
/// two per-sample values of one shape, their element-by-element product, a constant times one and a
/// constant added to or taken from one (`BatchArithmetic`). A batch with a number that depends on
/// batches is refused where it is written.
extension ShapeInference {
    mutating func batchArithmetic(
        _ left: Partial?, _ right: Partial?, _ a: LossExpression, _ b: LossExpression, _ expression: LossExpression,
        _ walk: inout Walk
    ) -> Partial? {
        guard let left, let right else { return nil }
        let isProduct = if case .multiply = expression { true } else { false }
        switch (left, right) {
        case (.batch(let l), .batch(let r)):
            guard let l, let r else { return .batch(nil) }
            let operation: BatchArithmetic.Operation =
                isProduct ? .product : expression.isSum ? .sum : .difference
            return combine(l, r, operation, a, b, expression, &walk)
        case (.batch, .constant(let factor)) where isProduct: return scaled(left, by: factor, expression, &walk)
        case (.constant(let factor), .batch) where isProduct: return scaled(right, by: factor, expression, &walk)
        case (.batch, .constant(let offset)):
            return shifted(left, by: expression.isSum ? offset : -offset, expression, &walk)
        case (.constant(let offset), .batch):
            // c − a is −a shifted by c.
            let operand = expression.isSum ? right : scaled(right, by: -1, expression, &walk)
            return shifted(operand, by: offset, expression, &walk)
        default:
            // The operand that is a batch, beside a number that depends on batches.
            let batch = if case .batch = left { a } else { b }
            log.error(
                batch.origin,
                "in the loss: '\(batch.text)' is a batch, not a number; put it inside a loss such as mse(…) or mean(…), or combine it with a batch of its shape"
            )
            return nil
        }
    }

    /// `a ± b` or `a * b` of two batches, a one-draw operand read against each draw of the other.
    private mutating func combine(
        _ l: Int, _ r: Int, _ operation: BatchArithmetic.Operation, _ a: LossExpression, _ b: LossExpression,
        _ expression: LossExpression, _ walk: inout Walk
    ) -> Partial? {
        let (left, right) = (walk.nodes[l], walk.nodes[r])
        guard case .batch(let shape) = left.value, case .batch(let other) = right.value else { return nil }
        guard shape == other else {
            log.error(
                expression.origin,
                "in the loss: '\(expression.text)' combines batches of one shape, but \(a.text) is \(shape.shapeText) and \(b.text) is \(other.shapeText)"
            )
            return .batch(nil)
        }
        guard left.fixedRows == right.fixedRows else {
            log.error(
                expression.origin,
                "in the loss: '\(expression.text)' combines values row by row, but \(a.text) has \(left.rows) and \(b.text) \(right.rows)"
            )
            return .batch(nil)
        }
        let draws = max(left.draws, right.draws)
        guard left.draws == right.draws || min(left.draws, right.draws) == 1 else {
            log.error(
                expression.origin,
                "in the loss: '\(expression.text)' combines values draw by draw, but they come from \(left.draws) and \(right.draws) draws"
            )
            return .batch(nil)
        }
        let function = BatchArithmetic(
            operation, width: shape.elementCount, draws: draws,
            repeats: [left.draws == draws ? 1 : draws, right.draws == draws ? 1 : draws])
        let applied = ResolvedLoss.AppliedFunction(function: function, inputs: [l, r])
        return .batch(
            walk.add(
                .function(applied), .batch(shape), left.dependencies.union(right.dependencies), expression,
                draws: draws, fixedRows: left.fixedRows))
    }

    /// `factor` times a batch (`-v` is −1 times it).
    mutating func scaled(
        _ value: Partial?, by factor: Double, _ expression: LossExpression, _ walk: inout Walk
    ) -> Partial? {
        elementwise(value, .scale(Float(factor)), expression, &walk)
    }

    /// A batch plus `offset` in every value.
    private mutating func shifted(
        _ value: Partial?, by offset: Double, _ expression: LossExpression, _ walk: inout Walk
    ) -> Partial? {
        elementwise(value, .shift(Float(offset)), expression, &walk)
    }

    /// `operation` of one batch, value by value.
    private mutating func elementwise(
        _ value: Partial?, _ operation: BatchArithmetic.Operation, _ expression: LossExpression, _ walk: inout Walk
    ) -> Partial? {
        guard case .batch(let node)? = value else { return nil }
        guard let node, case .batch(let shape) = walk.nodes[node].value else { return .batch(nil) }
        let draws = walk.nodes[node].draws
        let function = BatchArithmetic(operation, width: shape.elementCount, draws: draws, repeats: [1])
        let applied = ResolvedLoss.AppliedFunction(function: function, inputs: [node])
        return .batch(
            walk.add(
                .function(applied), .batch(shape), walk.nodes[node].dependencies, expression, draws: draws,
                fixedRows: walk.nodes[node].fixedRows))
    }
}

extension ShapeInference.Partial? {
    /// Whether it is a batch (resolved or not).
    var isBatch: Bool { if case .batch? = self { true } else { false } }
}

extension LossExpression {
    fileprivate var isSum: Bool { if case .add = self { true } else { false } }
}
