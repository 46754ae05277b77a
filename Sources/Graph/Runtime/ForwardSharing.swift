/// One layer output a phase copies from an earlier phase of the same step instead of computing it.
struct ForwardCopy {
    var source: UnsafeMutablePointer<Float>
    var destination: UnsafeMutablePointer<Float>
    var floatsPerSample: Int
}

extension PhaseProgram {
    /// Lets each phase copy, instead of recompute, a network's forward pass on `x` that an earlier
    /// phase of the same step has already run with the same weights.
    ///
    /// The adversarial autoencoder's generator phase applies the encoder to the batch exactly as
    /// the discriminator phase just did, and the discriminator phase does not change the encoder:
    /// the second pass would compute the same bits. Reuse needs every phase between the two (the
    /// earlier included, since it updates after its forward pass) to leave the network alone,
    /// both phases to read the same `x` buffer, and every layer of the network to have a reusable
    /// output (no dropout, batch norm or convolution scratch). `programs` run in this order every
    /// step; a program is otherwise unchanged, and run alone it still computes everything.
    public static func shareForwardPasses(_ programs: [PhaseProgram]) {
        let chains = programs.map { $0.chainsOnData() }
        for later in programs.indices {
            for (network, chain) in chains[later] {
                for earlier in (0..<later).reversed() {
                    if programs[earlier].updatedNetworks.contains(network) { break }
                    guard let sourceChain = chains[earlier][network] else { continue }
                    programs[later].copy(chain, from: programs[earlier], sourceChain)
                    break
                }
            }
        }
    }

    /// The number of layer runs whose output this phase copies from an earlier one.
    public var copiedRunCount: Int { copiedRuns.filter { $0 }.count }

    /// For each network applied to `x` (its first application in the plan), the indices of that
    /// application's layers, when every layer's output is reusable.
    func chainsOnData() -> [String: [Int]] {
        guard let data = plan.data, self.data != nil, !ownBatches else { return [:] }
        var chains: [String: [Int]] = [:]
        var index = 0
        let applications = plan.applications
        while index < applications.count {
            let first = applications[index]
            guard first.input == data, first.layerIndex == 0, chains[first.network] == nil else {
                index += 1
                continue
            }
            var chain = [index]
            while let last = chain.last, last + 1 < applications.count,
                applications[last + 1].network == first.network,
                applications[last + 1].input == applications[last].output
            {
                chain.append(last + 1)
            }
            if chain.allSatisfy({ applications[$0].layer.outputIsReusable }) { chains[first.network] = chain }
            index += chain.count
        }
        return chains
    }

    /// Copies `chain`'s outputs from `source`'s `sourceChain` when the two are the same layers with
    /// the same fused activations, reading the same `x`.
    func copy(_ chain: [Int], from source: PhaseProgram, _ sourceChain: [Int]) {
        let mine = chain.map { plan.applications[$0] }, theirs = sourceChain.map { source.plan.applications[$0] }
        guard data === source.data, capacity == source.capacity, mine.count == theirs.count,
            zip(mine, theirs).allSatisfy({ $0.layerIndex == $1.layerIndex && $0.epilogue == $1.epilogue })
        else { return }
        // Runs are the plan's applications in order, views left out.
        let applications = plan.applications
        for (position, application) in chain.enumerated() where !applications[application].layer.isView {
            let run = applications[..<application].filter { !$0.layer.isView }.count
            let sourceApplication = sourceChain[position]
            copies.append(
                ForwardCopy(
                    source: source.output(ofValue: source.plan.applications[sourceApplication].output),
                    destination: output(ofValue: plan.applications[application].output),
                    floatsPerSample: plan.values[plan.applications[application].output].shape.elementCount
                        * plan.values[plan.applications[application].output].draws))
            copiedRuns[run] = true
        }
    }
}
