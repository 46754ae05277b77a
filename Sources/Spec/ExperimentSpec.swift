/// A whole experiment as a spec declares it, with every default filled in.
public struct ExperimentSpec: Sendable {
    /// The seeds a spec, `--seed` and a study take: what a signed 64-bit integer holds, so that
    /// every record (run.json, study.json) writes a seed as the number it is.
    public static let seeds = 0...Int.max

    public var name: String
    public var description: String?
    public var seed: UInt64
    public var determinism: DeterminismMode
    public var data: DataSpec
    public var prior: PriorSpec?
    public var networks: [NetworkSpec]
    public var phases: [PhaseSpec]
    public var train: TrainSpec
    public var outputs: [OutputSpec]
    public var expectations: [Expectation]
    public var replay: ReplaySpec?
    /// The study `runexp sweep` runs by default.
    public var sweep: SweepSpec? = nil
    /// The spec file's path as the user gave it.
    public var file: String
    /// The resolved YAML tree: what the spec said, overrides applied, defaults filled in, each value
    /// with its origin. `check` prints it; runs save it as `resolved.yaml`.
    public var resolved: YAMLNode

    /// The network called `name`, if the spec declares one.
    public func network(named name: String) -> NetworkSpec? {
        networks.first { $0.name == name }
    }
}

/// A spec's phases and what their losses can name (networks, the prior), with the data and outputs
/// that read the networks, whatever else the spec holds: what Graph's resolution of the losses and
/// its shape inference read.
///
/// When the spec has problems, it holds what decoded, so that the losses and shapes of the parts
/// that are sound are still checked and every problem is reported at once.
public struct LossContext: Sendable {
    public var networks: [NetworkSpec]
    public var phases: [PhaseSpec]
    public var prior: PriorSpec?
    /// nil when the data section has problems (reported): then the shape of `x` is unknown.
    public var data: DataSpec?
    public var outputs: [OutputSpec]
    /// Names a loss may use whose declarations have problems (already reported): networks whose
    /// settings or layers did not decode, and `z` when the prior did not. They are known names, but
    /// nothing is inferred from them, so that their problems cause no others.
    public var undecoded: Set<String>

    public init(
        networks: [NetworkSpec], phases: [PhaseSpec], prior: PriorSpec?, data: DataSpec?,
        outputs: [OutputSpec] = [], undecoded: Set<String> = []
    ) {
        self.networks = networks
        self.phases = phases
        self.prior = prior
        self.data = data
        self.outputs = outputs
        self.undecoded = undecoded
    }

    /// `data.labeled`: the labels of only this many training images are kept, and only phases
    /// with `batches: labeled` may read `y`.
    public var labeledImages: Int? { data?.labeled }

    /// The network called `name`, if the spec declares one.
    public func network(named name: String) -> NetworkSpec? {
        networks.first { $0.name == name }
    }
}

extension ExperimentSpec {
    /// The spec's losses and what they can name.
    public var losses: LossContext {
        LossContext(networks: networks, phases: phases, prior: prior, data: data, outputs: outputs)
    }
}

extension SpecDecoder {
    /// Decodes a whole spec; returns nil when anything was reported. `losses` receives the phases,
    /// networks and prior whenever they decoded, even when something else did not.
    public func decodeExperiment(_ root: YAMLNode, file: String, losses: inout LossContext?) -> ExperimentSpec? {
        guard var map = MappingReader(root, "the spec", log: log) else { return nil }
        let fallbackName = SpecDecoder.baseName(file)
        let name = map.optional("name", default: .scalar(fallbackName)) { node -> String? in
            let name = scalars.string(node, "name")
            if let name { checkName(name, node.origin, "experiment") }
            return name
        }
        let description = map.ifPresent("description") { scalars.string($0, "description") }
        let seed = map.optional("seed", default: .scalar("0")) { scalars.int($0, "seed", in: ExperimentSpec.seeds) }
        let determinism = map.optional("determinism", default: .scalar("fast")) { decodeDeterminism($0) }
        let data = map.required("data") { decodeData(&$0) }
        let prior = map.ifPresent("prior") { decodePrior(&$0) }
        let priorUndecoded = prior == nil && map.writtenKeys.contains("prior")
        let decodedNetworks = map.required("networks") { decodeNetworks(&$0) }
        let networks = decodedNetworks?.networks
        let problemsBeforePhases = log.diagnostics.count
        let phases = map.required("phases") { decodePhases(&$0) }
        let allPhasesRead = log.diagnostics.count == problemsBeforePhases
        let train = map.optional("train", default: .mapping([])) { decodeTrain(&$0) }
        let outputs = map.optional("outputs", default: .sequence([])) { decodeOutputs(&$0) }
        let expectations = map.ifPresent("expect") { decodeExpectations(&$0) } ?? []
        let replay = map.ifPresent("replay") { decodeReplay(&$0) }
        let sweep = map.ifPresent("sweep") { decodeSweep(&$0) }
        map.finish()
        if let networks, let phases {
            let undecoded = (decodedNetworks?.undecoded ?? []).union(priorUndecoded ? ["z"] : [])
            losses = LossContext(
                networks: networks, phases: phases, prior: prior, data: data, outputs: outputs ?? [],
                undecoded: undecoded)
            ReferenceCheck(
                networks: networks, undecodedNetworks: decodedNetworks?.undecoded ?? [], phases: phases,
                outputs: outputs ?? [], log: log,
                allPhasesRead: allPhasesRead
            ).run()
        }
        if let train, let phases { checkStepUpdates(train, phases: phases) }
        guard let name, let seed, let determinism, let data, let networks, let phases, let train, let outputs else {
            return nil
        }
        var spec = ExperimentSpec(
            name: name, description: description, seed: UInt64(seed), determinism: determinism, data: data,
            prior: prior,
            networks: networks, phases: phases, train: train, outputs: outputs, expectations: expectations,
            replay: replay, file: file, resolved: map.resolvedNode)
        spec.sweep = sweep
        return log.isEmpty ? spec : nil
    }

    /// `experiments/aae_mlp.yaml` → `aae_mlp`, the name a spec gets when it does not give one.
    static func baseName(_ path: String) -> String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        let stem = last.split(separator: ".").first.map(String.init) ?? last
        let cleaned = String(stem.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        return cleaned.first?.isLetter == true ? cleaned : "experiment"
    }
}
