/// A named stack of layers. Called in a loss (`encoder(x)`) it maps a batch to a batch; called twice it
/// shares its weights.
public struct NetworkSpec: Sendable, Equatable {
    /// How a network's weights start.
    public enum Initializer: String, Sendable, Equatable, CaseIterable {
        case heUniform = "he_uniform"
        case heNormal = "he_normal"
        case xavierUniform = "xavier_uniform"
        case xavierNormal = "xavier_normal"
    }

    public var name: String
    /// The shape of one input sample, when declared; otherwise inferred from what the network is applied to.
    public var input: [Int]?
    public var layers: [LayerSpec]
    public var initializer: Initializer
    /// Where the network's name was written.
    public var origin: Origin
}

extension SpecDecoder {
    func decodeNetworks(_ node: inout YAMLNode) -> [NetworkSpec]? {
        guard var entries = node.entries else {
            log.error(
                node.origin,
                "networks must be a mapping from names to networks, e.g. `encoder: {layers: [...]}`; found \(node.kindDescription)"
            )
            return nil
        }
        if entries.isEmpty { log.error(node.origin, "networks must declare at least one network") }
        var networks: [NetworkSpec] = []
        for index in entries.indices {
            let entry = entries[index]
            checkName(entry.key, entry.keyOrigin, "network")
            if let network = decodeNetwork(&entries[index].value, name: entry.key, origin: entry.keyOrigin) {
                networks.append(network)
            }
        }
        node.content = .mapping(entries)
        // Networks with bad layers stay in the list, so that names can still be checked; the errors
        // already recorded keep the spec from being used.
        return networks
    }

    /// Network and phase names become parts of parameter names and file names: keep them plain.
    func checkName(_ name: String, _ origin: Origin, _ what: String) {
        let isPlain =
            name.first.map { $0.isASCII && ($0.isLetter || $0 == "_") } == true
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        if !isPlain || name.count > 64 {
            log.error(
                origin, "\(what) name '\(name)' must be a plain name: letters, digits and '_', starting with a letter")
        } else if ["x", "z"].contains(name) || LossFunction(rawValue: name) != nil {
            log.error(
                origin,
                "\(what) name '\(name)' is reserved: x and z are the data and prior batches, \(name) may be a loss")
        }
    }

    private func decodeNetwork(_ node: inout YAMLNode, name: String, origin: Origin) -> NetworkSpec? {
        guard var map = MappingReader(node, "network '\(name)'", log: log) else { return nil }
        let input = map.ifPresent("input") { scalars.intList($0, "networks.\(name).input", in: 1...1 << 24) }
        let layers = map.required("layers") { decodeLayers(&$0, network: name) }
        let initializer = map.optional("init", default: .scalar("he_uniform")) {
            scalars.choice($0, "initializer", NetworkSpec.Initializer.allCases.map(\.rawValue))
                .flatMap(NetworkSpec.Initializer.init(rawValue:))
        }
        map.finish()
        node = map.resolvedNode
        guard let layers, let initializer else { return nil }
        return NetworkSpec(name: name, input: input, layers: layers, initializer: initializer, origin: origin)
    }

    private func decodeLayers(_ node: inout YAMLNode, network: String) -> [LayerSpec]? {
        guard var items = node.items else {
            log.error(
                node.origin,
                "networks.\(network).layers must be a list such as [dense: 100, relu]; found \(node.kindDescription)")
            return nil
        }
        if items.isEmpty { log.error(node.origin, "network '\(network)' has no layers") }
        var layers: [LayerSpec] = []
        for index in items.indices {
            if let layer = decodeLayer(&items[index], network: network, index: index) { layers.append(layer) }
        }
        node.content = .sequence(items)
        node.isFlow = false
        return items.isEmpty ? nil : layers
    }
}
