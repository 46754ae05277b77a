/// Where a decoder's codes come from when they are made of more than one network output, as in the
/// semi-supervised AAE's `decoder(concat(softmax(encoder(x).digit), encoder(x).style))`: the
/// batch a loss feeds the decoder, which the latent outputs compute for images and explore in
/// place of the encoder's own output.
extension ResolvedLoss {
    /// The node this loss feeds `decoder` when that batch is made from `x` alone by functions
    /// other than a single network's output: no prior, no labels, nothing random. Nil otherwise.
    public func composedCode(of decoder: String) -> Int? {
        for node in nodes {
            guard case .network(decoder, let input) = node.operation, chainOverData(input) == nil,
                case .batch(let shape) = nodes[input].value, shape.count == 1
            else { continue }
            let below = reach(input)
            let readsOnlyX =
                below.contains { nodes[$0].operation == .data }
                && !below.contains { index in
                    switch nodes[index].operation {
                    case .prior, .labels: return true
                    case .function(let f): return f.function.isRandom
                    default: return false
                    }
                }
            if readsOnlyX { return input }
        }
        return nil
    }

    /// `node` and every node below it.
    func reach(_ node: Int) -> Set<Int> {
        var seen: Set<Int> = [node]
        var pending = [node]
        while let next = pending.popLast() {
            for input in inputs(of: next) where seen.insert(input).inserted { pending.append(input) }
        }
        return seen
    }

    /// The number of values per sample of batch node `node`.
    public func width(of node: Int) -> Int {
        if case .batch(let shape) = nodes[node].value { return shape.elementCount }
        return 0
    }
}

extension ModelSummary {
    /// The first phase whose loss feeds `decoder` a composed code, with that code's node.
    public func composedCode(of decoder: String) -> (phase: Int, node: Int)? {
        for (index, phase) in phases.enumerated() {
            if let node = phase.resolved.composedCode(of: decoder) { return (index, node) }
        }
        return nil
    }
}
