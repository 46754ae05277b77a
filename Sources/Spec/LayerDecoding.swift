extension SpecDecoder {
    /// The key a layer's one-value shorthand stands for: `dense: 1000` means `dense: {units: 1000}`.
    static let layerShorthand = [
        "dense": "units", "conv2d": "filters", "conv2d_transpose": "filters", "leaky_relu": "slope",
        "reshape": "shape", "dropout": "rate", "vector_quantize": "codes", "iaf": "hidden",
        "upsample": "factor", "max_pool": "kernel", "avg_pool": "kernel",
        "group_norm": "groups",
    ]

    /// Decodes item `index` of a layer list: `within` is that list's key path, the network's
    /// `layers` unless the list is a residual block's.
    func decodeLayer(_ node: inout YAMLNode, network: String, index: Int, within: String? = nil) -> LayerSpec? {
        guard let (name, written, keyOrigin) = variant(node, "layer", LayerSpec.names) else { return nil }
        let what = "\(within ?? "networks.\(network).layers")[\(index)].\(name)"
        if name == "residual" { return decodeResidual(&node, written, keyOrigin, network: network, what: what) }
        var settings = written
        if written.entries == nil, !written.isNull, let key = SpecDecoder.layerShorthand[name] {
            settings = YAMLNode(
                .mapping([YAMLEntry(key: key, keyOrigin: written.origin, value: written)]),
                origin: written.origin)
        }
        guard var map = MappingReader(settings, "layer '\(name)' of network '\(network)'", log: log) else {
            return nil
        }
        let kind = layerKind(name, &map, what)
        map.finish()
        var resolved = map.resolvedNode
        resolved.isFlow = true
        node =
            (resolved.entries ?? []).isEmpty
            ? YAMLNode(.scalar(name), origin: keyOrigin)
            : variantNode(name, keyOrigin, resolved, like: node)
        node.isFlow = true
        return kind.map { LayerSpec(kind: $0, origin: keyOrigin) }
    }

    private func layerKind(_ name: String, _ map: inout MappingReader, _ what: String) -> LayerSpec.Kind? {
        switch name {
        case "dense":
            let units = map.required("units") { scalars.int($0, "\(what).units", in: 1...1 << 24) }
            let bias = map.optional("bias", default: .scalar("true")) { scalars.bool($0, "\(what).bias") }
            guard let units, let bias else { return nil }
            return .dense(units: units, bias: bias)
        case "conv2d", "conv2d_transpose":
            guard let convolution = convolution(&map, what, transposed: name == "conv2d_transpose") else { return nil }
            return name == "conv2d" ? .conv2d(convolution) : .conv2dTranspose(convolution)
        case "leaky_relu":
            return map.optional("slope", default: .scalar("0.01")) { scalars.double($0, "\(what).slope", in: 0...1) }
                .map { .leakyReLU(slope: $0) }
        case "reshape":
            return map.required("shape") { scalars.intList($0, "\(what).shape", in: 1...1 << 24) }.map { .reshape($0) }
        case "dropout":
            return map.optional("rate", default: .scalar("0.5")) { scalars.double($0, "\(what).rate", in: 0...0.99) }
                .map { .dropout(rate: $0) }
        case "batch_norm":
            let momentum = map.optional("momentum", default: .scalar("0.1")) {
                scalars.double($0, "\(what).momentum", in: 0...1)
            }
            let epsilon = map.optional("epsilon", default: .scalar("1.0e-5")) {
                scalars.double($0, "\(what).epsilon", in: 1e-12...1)
            }
            guard let momentum, let epsilon else { return nil }
            return .batchNorm(momentum: momentum, epsilon: epsilon)
        case "vector_quantize":
            let codes = map.required("codes") { scalars.int($0, "\(what).codes", in: 1...1 << 20) }
            let dim = map.optional("dim", default: .scalar("0")) { scalars.int($0, "\(what).dim", in: 0...1 << 20) }
            guard let codes, let dim else { return nil }
            return .vectorQuantize(codes: codes, dim: dim == 0 ? nil : dim)
        case "planar": return .planar
        case "hardtanh":
            let low = map.optional("min", default: .scalar("-1")) { scalars.double($0, "\(what).min", in: -1e6...1e6) }
            let high = map.optional("max", default: .scalar("1")) { scalars.double($0, "\(what).max", in: -1e6...1e6) }
            guard let low, let high else { return nil }
            guard low < high else {
                log.error(map.node.origin, "\(what) needs min below max; found min \(low) and max \(high)")
                return nil
            }
            return .hardtanh(min: low, max: high)
        case "iaf":
            // pythae's VAE_IAF default: three hidden layers of 128 in each MADE.
            let fallback = YAMLNode.Content.sequence(
                Array(repeating: YAMLNode(.scalar("128"), origin: .defaulted), count: 3))
            return map.optional("hidden", default: fallback) { scalars.intList($0, "\(what).hidden", in: 1...1 << 16) }
                .map { .iaf(hidden: $0) }
        case "upsample", "max_pool", "avg_pool": return imageLayerKind(name, &map, what)
        case "group_norm", "layer_norm": return normalizationKind(name, &map, what)
        case "relu": return .relu
        case "sigmoid": return .sigmoid
        case "tanh": return .tanh
        default: return .flatten
        }
    }

    /// `upsample`, `max_pool` and `avg_pool`: the layers that resize an image.
    private func imageLayerKind(_ name: String, _ map: inout MappingReader, _ what: String) -> LayerSpec.Kind? {
        if name == "upsample" {
            let factor = map.optional("factor", default: .scalar("2")) { scalars.int($0, "\(what).factor", in: 1...64) }
            let mode = map.optional("mode", default: .scalar("nearest")) {
                scalars.choice($0, "\(what).mode", ["nearest", "bilinear"])
            }
            guard let factor, let mode else { return nil }
            return .upsample(factor: factor, bilinear: mode == "bilinear")
        }
        let kernel = map.optional("kernel", default: .scalar("2")) { scalars.int($0, "\(what).kernel", in: 1...64) }
        // PyTorch's default stride is the kernel: windows that tile the image.
        let stride = map.optional("stride", default: .scalar("\(kernel ?? 2)")) {
            scalars.int($0, "\(what).stride", in: 1...64)
        }
        guard let kernel, let stride else { return nil }
        return .pool(kernel: kernel, stride: stride, average: name == "avg_pool")
    }

    /// `group_norm` and `layer_norm`: normalizations by each sample's own statistics.
    private func normalizationKind(_ name: String, _ map: inout MappingReader, _ what: String) -> LayerSpec.Kind? {
        let groups =
            name == "group_norm"
            ? map.optional("groups", default: .scalar("32")) {
                scalars.int($0, "\(what).groups", in: 1...1 << 16)
            } : 1
        let epsilon = map.optional("epsilon", default: .scalar("1.0e-5")) {
            scalars.double($0, "\(what).epsilon", in: 1e-12...1)
        }
        guard let groups, let epsilon else { return nil }
        return name == "group_norm" ? .groupNorm(groups: groups, epsilon: epsilon) : .layerNorm(epsilon: epsilon)
    }

    private func convolution(_ map: inout MappingReader, _ what: String, transposed: Bool) -> ConvolutionSpec? {
        let filters = map.required("filters") { scalars.int($0, "\(what).filters", in: 1...1 << 16) }
        let kernel = map.optional("kernel", default: .scalar("3")) { scalars.int($0, "\(what).kernel", in: 1...64) }
        let stride = map.optional("stride", default: .scalar("1")) { scalars.int($0, "\(what).stride", in: 1...64) }
        let padding = map.optional("padding", default: .scalar("same")) { decodePadding($0, "\(what).padding") }
        var outputPadding: Int? = 0
        if transposed {
            outputPadding = map.optional("output_padding", default: .scalar("0")) {
                scalars.int($0, "\(what).output_padding", in: 0...63)
            }
        }
        let bias = map.optional("bias", default: .scalar("true")) { scalars.bool($0, "\(what).bias") }
        guard let filters, let kernel, let stride, let padding, let outputPadding, let bias else { return nil }
        if outputPadding >= stride {
            log.error(
                map.node.origin,
                "\(what).output_padding must be smaller than the stride (\(stride)); found \(outputPadding)")
            return nil
        }
        return ConvolutionSpec(
            filters: filters, kernel: kernel, stride: stride, padding: padding,
            outputPadding: outputPadding, bias: bias)
    }

    private func decodePadding(_ node: YAMLNode, _ what: String) -> Padding? {
        if let text = node.scalarText, !node.isQuoted, let number = Int(text) {
            guard (0...64).contains(number) else {
                log.error(node.origin, "\(what) must be same, valid or a number of pixels in 0…64; found \(number)")
                return nil
            }
            return .explicit(number)
        }
        return scalars.choice(node, "padding", ["same", "valid"]).map { $0 == "same" ? .same : .valid }
    }
}
