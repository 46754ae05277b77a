extension SpecDecoder {
    /// `residual: [layers…]`: a block whose layers are decoded like the network's own, each error
    /// placed at `what[index]`.
    func decodeResidual(
        _ node: inout YAMLNode, _ written: YAMLNode, _ keyOrigin: Origin, network: String, what: String
    ) -> LayerSpec? {
        guard var items = written.items, !items.isEmpty else {
            let found = written.entries?.isEmpty == true ? "nothing" : written.kindDescription
            log.error(
                written.origin,
                "\(what) must be a list of layers such as [relu, conv2d: 32], whose output is added to the "
                    + "block's input; found \(found)")
            return nil
        }
        var layers: [LayerSpec] = []
        for index in items.indices {
            if let layer = decodeLayer(&items[index], network: network, index: index, within: what) {
                layers.append(layer)
            }
        }
        node = variantNode(
            "residual", keyOrigin, YAMLNode(.sequence(items), origin: written.origin, isFlow: true), like: node)
        node.isFlow = true
        return layers.count == items.count ? LayerSpec(kind: .residual(layers), origin: keyOrigin) : nil
    }
}
