/// Checks that the names a spec uses outside its losses refer to something: a phase that updates a
/// network the spec does not declare, a network no phase updates, outputs that name missing
/// networks or phases.
///
/// What a loss means (its names, numbers, batches and shapes) is decided in one place, the
/// graph's resolution of each phase (Graph/Resolution).
struct ReferenceCheck {
    let networks: [NetworkSpec]
    /// Networks the spec declares whose settings have problems (reported): names that exist.
    var undecodedNetworks: Set<String> = []
    let phases: [PhaseSpec]
    let outputs: [OutputSpec]
    let log: DiagnosticLog
    /// False when some phase could not be read: then an unused-looking network may be used by it.
    var allPhasesRead = true

    var networkNames: [String] {
        networks.map(\.name) + undecodedNetworks.filter { name in !networks.contains { $0.name == name } }.sorted()
    }

    func run() {
        var updated = Set<String>()
        var misnamed = false
        for phase in phases {
            for (name, origin) in phase.update {
                if !networkNames.contains(name) {
                    misnamed = true
                    log.error(
                        origin,
                        "phase '\(phase.name)' updates '\(name)', which is not a network\(NearestName.hint(name, in: networkNames))"
                    )
                }
                updated.insert(name)
            }
            checkWeightDecay(phase)
        }
        // A misspelt update name already explains why its network looks unused.
        for network in networks where allPhasesRead && !misnamed && !updated.contains(network.name) {
            log.error(
                network.origin,
                "network '\(network.name)' is not updated by any phase; name it in a phase's update list")
        }
        checkOutputs()
    }

    /// A network's own weight decay applies to the tensors the phase trains, so it must be one of them.
    private func checkWeightDecay(_ phase: PhaseSpec) {
        let updated = phase.update.map(\.name)
        for decay in phase.schedule.networkWeightDecay where !updated.contains(decay.network) {
            log.error(
                decay.origin,
                "phase '\(phase.name)' decays the weights of '\(decay.network)', which it does not update"
                    + NearestName.hint(decay.network, in: updated))
        }
    }

    private func checkOutputs() {
        let phaseNames = phases.map(\.name)
        for output in outputs {
            for name in output.networks where !networkNames.contains(name) {
                log.error(
                    output.origin,
                    "an output uses network '\(name)', which the spec does not declare\(NearestName.hint(name, in: networkNames))"
                )
            }
            if case .curves(let phases) = output.kind {
                for name in phases where !phaseNames.contains(name) {
                    log.error(
                        output.origin,
                        "curves names phase '\(name)', which the spec does not declare\(NearestName.hint(name, in: phaseNames))"
                    )
                }
            }
        }
    }
}
