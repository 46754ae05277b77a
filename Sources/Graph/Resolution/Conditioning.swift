/// How a network reads one-hot class labels beside its other input, as a conditional decoder does
/// in `decoder(concat(encoder(x), onehot(y)))` and a conditional encoder in
/// `encoder(concat(x, onehot(y)))`: what the outputs and `apply` need to form the input the loss
/// forms, for a chosen code (the supervised AAE's style × class grid) or image and class.
public struct Conditioning: Sendable, Equatable {
    /// Values of the other part of the input: a code, or an image for a conditional encoder.
    public var codeWidth: Int
    /// Values of the one-hot part.
    public var classes: Int
    /// Whether the labels come before the code in the input.
    public var labelsFirst: Bool
    /// Whether the other part is made from the images `x` alone (`concat(x, onehot(y))`, a
    /// conditional encoder) rather than from codes or prior samples.
    public var readsImages = false

    /// The network's input for `code` under `label`; a label outside the classes gives a row of
    /// zeros, as `onehot` does in the loss.
    public func input(code: ArraySlice<Float>, label: Int) -> [Float] {
        var onehot = [Float](repeating: 0, count: classes)
        if onehot.indices.contains(label) { onehot[label] = 1 }
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
                (concat.function as? Concat)?.parts.count == 2, concat.inputs.count == 2
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
            var conditioning = Conditioning(
                codeWidth: labelsFirst ? widths[1] : widths[0], classes: labelsFirst ? widths[0] : widths[1],
                labelsFirst: labelsFirst)
            conditioning.readsImages = isImages(concat.inputs[labelsFirst ? 1 : 0])
            return conditioning
        }
        return nil
    }
}

extension ResolvedLoss {
    /// Whether `node` is the images `x`, or made from them by functions alone (`noise(x, 0.3)`):
    /// no network, no prior sample.
    func isImages(_ node: Int) -> Bool {
        let below = reach(node).map { nodes[$0].operation }
        return below.contains(.data) && !below.contains(.prior)
            && !below.contains { if case .network = $0 { true } else { false } }
    }
}

extension ModelSummary {
    /// How `network` is conditioned on labels in the first phase that conditions it.
    public func conditioning(of network: String) -> Conditioning? {
        phases.lazy.compactMap { $0.resolved.conditioning(of: network) }.first
    }
}
