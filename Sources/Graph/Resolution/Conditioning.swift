/// How a network reads a code beside one-hot class labels, as a conditional decoder does in
/// `decoder(concat(encoder(x), onehot(y)))`: what the outputs need to decode a chosen code under
/// each class (the supervised AAE's style × class grid).
public struct Conditioning: Sendable, Equatable {
    /// Values of the code part of the input.
    public var codeWidth: Int
    /// Values of the one-hot part.
    public var classes: Int
    /// Whether the labels come before the code in the input.
    public var labelsFirst: Bool

    /// The network's input for `code` under `label`.
    public func input(code: ArraySlice<Float>, label: Int) -> [Float] {
        var onehot = [Float](repeating: 0, count: classes)
        onehot[label] = 1
        return labelsFirst ? onehot + code : Array(code) + onehot
    }
}

extension ResolvedLoss {
    /// How `network` is conditioned on labels in this loss: applied to `concat(a, onehot(y))` or
    /// `concat(onehot(y), a)`; nil when it is not.
    public func conditioning(of network: String) -> Conditioning? {
        for node in nodes {
            guard case .network(network, let input) = node.operation,
                case .function(let concat) = nodes[input].operation,
                concat.function is Concat, concat.inputs.count == 2
            else { continue }
            let parts = concat.inputs.map { nodes[$0] }
            let isLabels = parts.map { part -> Bool in
                if case .function(let f) = part.operation, f.function is OneHot { return true }
                return false
            }
            guard isLabels.filter({ $0 }).count == 1 else { continue }
            let widths = parts.map { part -> Int in
                if case .batch(let shape) = part.value { return shape.elementCount }
                return 0
            }
            let labelsFirst = isLabels[0]
            return Conditioning(
                codeWidth: labelsFirst ? widths[1] : widths[0], classes: labelsFirst ? widths[0] : widths[1],
                labelsFirst: labelsFirst)
        }
        return nil
    }
}

extension ModelSummary {
    /// How `network` is conditioned on labels in the first phase that conditions it.
    public func conditioning(of network: String) -> Conditioning? {
        phases.lazy.compactMap { $0.resolved.conditioning(of: network) }.first
    }
}
