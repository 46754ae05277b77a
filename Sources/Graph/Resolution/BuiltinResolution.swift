import Spec

/// The part of the one walk of a loss that resolves built-in function calls and named outputs:
/// it classifies the arguments, asks the function's own rule (`FunctionRegistry`) what the call
/// means, and reports a misfit at the argument it concerns.
extension ShapeInference {
    mutating func call(
        _ function: BuiltinFunction, _ arguments: [LossExpression], _ values: [Partial?], _ origin: Origin,
        _ expression: LossExpression, _ walk: inout Walk
    ) -> Partial? {
        var positional: [FunctionArguments.Value] = [], nodes: [Int?] = [], places: [Origin] = [], draws: [Int] = []
        var fixedRows: [Int?] = []
        var keywords: [(name: String, value: Double)] = [], keywordPlaces: [String: Origin] = [:]
        var incomplete = false
        for (argument, value) in zip(arguments, values) {
            if case .keyword(let name, let inner, let place) = argument {
                guard case .number(let number, _) = inner else {
                    log.error(place, "in the loss: \(function.rawValue)'s \(name) must be a number")
                    return nil
                }
                keywords.append((name, number))
                keywordPlaces[name] = place
                continue
            }
            switch value {
            case nil: return nil
            case .batch(nil)?, .scalar(nil)?: incomplete = true
            case .batch(let node?)?:
                guard case .batch(let shape) = walk.nodes[node].value else { return nil }
                positional.append(.batch(shape, labels: walk.nodes[node].operation == .labels))
                nodes.append(node)
                draws.append(walk.nodes[node].draws)
                fixedRows.append(walk.nodes[node].fixedRows)
            case .scalar(let node?)?:
                positional.append(.scalar)
                nodes.append(node)
                draws.append(1)
                fixedRows.append(nil)
            case .constant(let number)?:
                positional.append(.constant(number))
                nodes.append(nil)
                draws.append(1)
                fixedRows.append(nil)
            }
            places.append(argument.origin)
        }
        if incomplete { return function.makesNumber ? .scalar(nil) : .batch(nil) }
        let call = FunctionArguments(
            function: function, positional: positional, keywords: keywords, classes: classes, draws: draws,
            fixedRows: fixedRows)
        switch FunctionRegistry.resolve(call) {
        case .failure(let problem):
            let place = problem.argument.map { places[$0] } ?? problem.keyword.flatMap { keywordPlaces[$0] } ?? origin
            log.error(place, "in the loss: \(problem.message)")
            return nil
        case .success(let meaning):
            return apply(meaning, function, nodes: nodes, positional: positional, origin, expression, &walk)
        }
    }

    /// The node of a call whose arguments fit: `meaning` applied to the argument `nodes`.
    private mutating func apply(
        _ meaning: FunctionMeaning, _ function: BuiltinFunction, nodes: [Int?], positional: [FunctionArguments.Value],
        _ origin: Origin, _ expression: LossExpression, _ walk: inout Walk
    ) -> Partial? {
        switch meaning {
        case .batch(let implementation, let shape, let inputs):
            let reads = inputs.compactMap { nodes[$0] }
            let dependencies = reads.reduce(ResolvedLoss.Dependencies()) { $0.union(walk.nodes[$1].dependencies) }
            guard let rows = resultRows(implementation, reads, function, origin, walk) else { return nil }
            if implementation is InputGradient,
                let problem = GradientPenalty.chainProblem(
                    of: reads[0], over: reads[1], walk.nodes, summaries, function: .inputGradient)
            {
                log.error(origin, "in the loss: \(problem)")
                return nil
            }
            let applied = ResolvedLoss.AppliedFunction(function: implementation, inputs: reads)
            guard case .fixed(let fixed) = rows else {
                return .batch(
                    walk.add(.function(applied), .batch(shape), dependencies, expression, draws: rows.count(batch: 1)))
            }
            return .batch(walk.add(.function(applied), .batch(shape), dependencies, expression, fixedRows: fixed))
        case .term(let implementation, let inputs):
            let reads = inputs.compactMap { nodes[$0] }
            let dependencies = reads.reduce(ResolvedLoss.Dependencies()) { $0.union(walk.nodes[$1].dependencies) }
            guard sameFixedRows(reads, function, origin, walk) != nil, sameDraws(reads, function, origin, walk) != nil
            else { return nil }
            if implementation is GradientPenalty,
                let problem = GradientPenalty.chainProblem(of: reads[0], over: reads[1], walk.nodes, summaries)
            {
                log.error(origin, "in the loss: \(problem)")
                return nil
            }
            let applied = ResolvedLoss.AppliedTerm(function: implementation, inputs: reads)
            return .scalar(walk.add(.term(applied), .scalar, dependencies, expression))
        case .schedule(let schedule):
            return .scalar(walk.add(.schedule(schedule), .scalar, .init(), expression))
        case .absolute:
            guard let node = nodes[0] else {
                guard case .constant(let value) = positional[0] else { return nil }
                return .constant(Absolute.value(value))
            }
            return .scalar(walk.add(.absolute(node), .scalar, walk.nodes[node].dependencies, expression))
        }
    }

    /// The rows of a batch function's result: the rows it makes itself (`eye`), the fixed rows of
    /// inputs that all have the same, or the draws per sample of its batch inputs. A function that
    /// reads a set of rows of its own beside the batch's (a mixture's components) leaves those out.
    private func resultRows(
        _ implementation: any BatchFunction, _ reads: [Int], _ function: BuiltinFunction, _ origin: Origin,
        _ walk: Walk
    ) -> RowCount? {
        if let rows = implementation.outputFixedRows { return .fixed(rows) }
        let batchReads = implementation.readsFixedRows ? reads.filter { walk.nodes[$0].fixedRows == nil } : reads
        guard let fixed = sameFixedRows(batchReads, function, origin, walk) else { return nil }
        if let rows = fixed {
            guard (implementation.outputDraws ?? 1) == 1 else {
                log.error(
                    origin,
                    "in the loss: \(function.rawValue) draws from rows of their own, which are not a batch's samples")
                return nil
            }
            return .fixed(rows)
        }
        return (implementation.outputDraws ?? sameDraws(batchReads, function, origin, walk)).map { .perSample($0) }
    }

    /// The fixed rows `reads` share (nil inside: they follow the batch); reports a mix.
    private func sameFixedRows(_ reads: [Int], _ function: BuiltinFunction, _ origin: Origin, _ walk: Walk) -> Int?? {
        let fixed = Set(reads.map { walk.nodes[$0].fixedRows })
        guard fixed.count > 1 else { return .some(fixed.first ?? nil) }
        let described = Set(reads.map { walk.nodes[$0].rows.description }).sorted().joined(separator: " and ")
        log.error(origin, "in the loss: \(function.rawValue) reads its batches row by row, but they hold \(described)")
        return nil
    }

    /// The draws of `reads` when they all have the same number (a function that reads its batches
    /// row by row); reports the call otherwise.
    private func sameDraws(_ reads: [Int], _ function: BuiltinFunction, _ origin: Origin, _ walk: Walk) -> Int? {
        let draws = Set(reads.map { walk.nodes[$0].draws })
        guard draws.count > 1 else { return draws.first ?? 1 }
        log.error(
            origin,
            "in the loss: \(function.rawValue) reads its batches row by row, but they come from \(draws.sorted().map(String.init).joined(separator: " and ")) draws per sample"
        )
        return nil
    }

    /// `network(…).head`: one named output of a network's result.
    mutating func select(
        _ head: String, of base: LossExpression, _ value: Partial?, _ origin: Origin, _ expression: LossExpression,
        _ walk: inout Walk
    ) -> Partial? {
        if case .variable("z", _) = base { return selectPart(head, value, origin, expression, &walk) }
        // The outputs of a network that did not decode are unknown, and its problems are reported.
        if case .call(let name, _, _) = base, context.undecoded.contains(name) {
            return value == nil ? nil : .batch(nil)
        }
        guard case .call(let name, _, _) = base, let network = context.network(named: name) else {
            log.error(
                origin,
                "in the loss: '.\(head)' selects a named output of a network, as in encoder(x).mu, or a part of the prior, as in z.style"
            )
            return nil
        }
        guard let index = network.heads.firstIndex(where: { $0.name == head }) else {
            let names = network.heads.map(\.name)
            log.error(
                origin,
                names.isEmpty
                    ? "in the loss: network '\(name)' has no named outputs; declare them, e.g. outputs: {mu: 20, logvar: 20}"
                    : "in the loss: network '\(name)' has no output '\(head)'\(NearestName.hint(head, in: names))")
            return nil
        }
        guard case .batch(let node?)? = value else { return value == nil ? nil : .batch(nil) }
        guard case .batch(let shape) = walk.nodes[node].value else { return nil }
        let total = network.heads.reduce(0) { $0 + $1.size }
        guard shape.count == 1, shape[0] == total else {
            log.error(
                network.heads[0].origin,
                "network '\(name)' makes \(shape.shapeText) values per sample, but its outputs add up to \(total) features"
            )
            return .batch(nil)
        }
        let offset = network.heads[..<index].reduce(0) { $0 + $1.size }
        return slice(head, offset: offset, count: network.heads[index].size, width: total, of: node, expression, &walk)
    }

    /// The node of features `offset..<offset + count` of each `width`-wide row of `node`.
    private mutating func slice(
        _ name: String, offset: Int, count: Int, width: Int, of node: Int, _ expression: LossExpression,
        _ walk: inout Walk
    ) -> Partial {
        let applied = ResolvedLoss.AppliedFunction(
            function: OutputHead(name: name, offset: offset, count: count, width: width), inputs: [node])
        return .batch(
            walk.add(
                .function(applied), .batch([count]), walk.nodes[node].dependencies, expression,
                draws: walk.nodes[node].draws, fixedRows: walk.nodes[node].fixedRows))
    }

    /// `z.part`: one named part of a prior made of parts.
    private mutating func selectPart(
        _ head: String, _ value: Partial?, _ origin: Origin, _ expression: LossExpression, _ walk: inout Walk
    ) -> Partial? {
        guard let prior = context.prior else { return value }  // z itself reported the missing prior
        let parts = prior.parts
        guard let index = parts.firstIndex(where: { $0.name == head }) else {
            log.error(
                origin,
                parts.isEmpty
                    ? "in the loss: the prior has no named parts; declare them, e.g. prior: {parts: {digit: {categorical: {classes: 10}}, style: {normal: {dim: 8}}}}"
                    : "in the loss: the prior has no part '\(head)'\(NearestName.hint(head, in: parts.map(\.name)))")
            return nil
        }
        guard case .batch(let node?)? = value else { return value == nil ? nil : .batch(nil) }
        let offset = parts[..<index].reduce(0) { $0 + $1.prior.dimension }
        return slice(
            head, offset: offset, count: parts[index].prior.dimension, width: prior.dimension, of: node, expression,
            &walk)
    }
}
