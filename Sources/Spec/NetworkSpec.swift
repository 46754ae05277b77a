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
    /// Named parts of the last layer's features, in order (`outputs: {mu: 20, logvar: 20}`): a loss
    /// selects one with `encoder(x).mu`. Empty when the output is one unnamed batch.
    public var heads: [Head] = []
    /// Where the network's name was written.
    public var origin: Origin

    /// One named part of a network's output.
    public struct Head: Sendable, Equatable {
        public var name: String
        /// How many of the output features it takes.
        public var size: Int
        public var origin: Origin

        public init(name: String, size: Int, origin: Origin) {
            self.name = name
            self.size = size
            self.origin = origin
        }
    }

    /// The names a loss cannot give a network, a phase or an output: the batches and functions of
    /// the loss language.
    public static let reservedNames: Set<String> = Set(["x", "y", "z"] + LossFunctionCatalogue.names)

    /// The attributes of PyTorch's `nn.Module` (torch 2.x): a network of one of these names could
    /// not be a submodule of `runexp export --pytorch`'s model (`add_module` refuses a name the
    /// module already has, and `model.forward` must stay the method), and checkpoints use the
    /// network names as PyTorch's, so `check` refuses them. A name starting with `_` is refused
    /// too: nn.Module's private attributes (`_modules`, `_parameters`) begin so.
    public static let torchModuleAttributes: Set<String> = [
        "T_destination", "add_module", "apply", "bfloat16", "buffers", "call_super_init", "children", "compile",
        "cpu", "cuda", "double", "dump_patches", "eval", "extra_repr", "float", "forward", "get_buffer",
        "get_extra_state", "get_parameter", "get_submodule", "half", "ipu", "load_state_dict", "modules", "mtia",
        "named_buffers", "named_children", "named_modules", "named_parameters", "parameters",
        "register_backward_hook", "register_buffer", "register_forward_hook", "register_forward_pre_hook",
        "register_full_backward_hook", "register_full_backward_pre_hook", "register_load_state_dict_post_hook",
        "register_load_state_dict_pre_hook", "register_module", "register_parameter", "register_state_dict_post_hook",
        "register_state_dict_pre_hook", "requires_grad_", "set_extra_state", "set_submodule", "share_memory",
        "state_dict", "to", "to_empty", "train", "training", "type", "xpu", "zero_grad",
    ]
}

extension SpecDecoder {
    /// The networks, and the names of those whose settings or layers have problems (reported).
    func decodeNetworks(_ node: inout YAMLNode) -> (networks: [NetworkSpec], undecoded: Set<String>)? {
        guard var entries = node.entries else {
            log.error(
                node.origin,
                "networks must be a mapping from names to networks, e.g. `encoder: {layers: [...]}`; found \(node.kindDescription)"
            )
            return nil
        }
        if entries.isEmpty { log.error(node.origin, "networks must declare at least one network") }
        var networks: [NetworkSpec] = []
        var undecoded: Set<String> = []
        for index in entries.indices {
            let entry = entries[index]
            checkName(entry.key, entry.keyOrigin, "network")
            checkTorchName(entry.key, entry.keyOrigin)
            let problemsBefore = log.diagnostics.count
            let network = decodeNetwork(&entries[index].value, name: entry.key, origin: entry.keyOrigin)
            if let network { networks.append(network) }
            // A bad layer is left out of its network: shapes inferred from the rest would be wrong.
            if network == nil || log.diagnostics.count > problemsBefore { undecoded.insert(entry.key) }
        }
        node.content = .mapping(entries)
        // Networks with bad layers stay in the list, so that names can still be checked; the errors
        // already recorded keep the spec from being used.
        return (networks, undecoded)
    }

    /// A network name is also an attribute of the exported PyTorch model (`model.encoder`): refuse
    /// one nn.Module has already (`forward`, `training`, `cuda`) or may have (`_modules`).
    func checkTorchName(_ name: String, _ origin: Origin) {
        let clash: String
        if NetworkSpec.torchModuleAttributes.contains(name) {
            clash = "is an attribute of PyTorch's nn.Module"
        } else if name.hasPrefix("_") {
            clash = "starts with '_' as the private attributes of PyTorch's nn.Module do"
        } else {
            return
        }
        let plain = name.drop { $0 == "_" }
        log.error(
            origin,
            "network name '\(name)' \(clash), so a PyTorch model (runexp export --pytorch) could not hold the "
                + "network under it; rename it, e.g. '\(plain.isEmpty ? "net" : plain + "_net")'")
    }

    /// Network and phase names become parts of parameter names and file names: keep them plain.
    func checkName(_ name: String, _ origin: Origin, _ what: String) {
        let isPlain =
            name.first.map { $0.isASCII && ($0.isLetter || $0 == "_") } == true
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        if !isPlain {
            log.error(
                origin, "\(what) name '\(name)' must be a plain name: letters, digits and '_', starting with a letter")
        } else if name.count > 64 {
            log.error(
                origin, "\(what) name '\(name.prefix(20))…' is \(name.count) characters long; a name has at most 64")
        } else if NetworkSpec.reservedNames.contains(name) {
            let meaning =
                ["x", "y", "z"].contains(name)
                ? "x, y and z are the data, label and prior batches" : "\(name) is a function of the loss"
            log.error(origin, "\(what) name '\(name)' is reserved: \(meaning)")
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
        let heads = map.ifPresent("outputs") { decodeHeads($0, network: name) }
        map.finish()
        node = map.resolvedNode
        guard let layers, let initializer else { return nil }
        return NetworkSpec(
            name: name, input: input, layers: layers, initializer: initializer, heads: heads ?? [], origin: origin)
    }

    /// `outputs: {mu: 20, logvar: 20}`: names and sizes of the parts of the last layer's output.
    private func decodeHeads(_ node: YAMLNode, network: String) -> [NetworkSpec.Head]? {
        guard let entries = node.entries, !entries.isEmpty else {
            log.error(
                node.origin,
                "networks.\(network).outputs must map names to sizes, e.g. {mu: 20, logvar: 20}; found \(node.kindDescription)"
            )
            return nil
        }
        var heads: [NetworkSpec.Head] = []
        for entry in entries {
            checkName(entry.key, entry.keyOrigin, "output")
            guard let size = scalars.int(entry.value, "networks.\(network).outputs.\(entry.key)", in: 1...1 << 24)
            else { continue }
            heads.append(NetworkSpec.Head(name: entry.key, size: size, origin: entry.keyOrigin))
        }
        return heads.count == entries.count ? heads : nil
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
