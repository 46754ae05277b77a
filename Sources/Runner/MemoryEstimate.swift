import Data
import Foundation
import Graph
import Spec

/// A lower bound on the memory training a checked spec takes, compared with the machine's memory
/// before anything is allocated, so that a layer of 16,777,216 units after another one is refused
/// with a located message instead of the allocator aborting the process.
///
/// Each parameter is held once, and a trainable one once more for its gradient and once (SGD) or
/// twice (Adam) for every phase that updates its network, each phase's optimizer keeping its own
/// moments (an AAE's encoder, updated by two phases, holds four); each layer's output twice per
/// sample of a batch (value and gradient). Scratch space, the data and the outputs come on top,
/// so a spec that passes can still need more; one that fails cannot run.
public struct MemoryEstimate: Sendable {
    /// Bytes of parameters, gradients and optimizer moments.
    public var parameterBytes: Int
    /// Bytes of layer outputs and their gradients for one batch.
    public var activationBytes: Int
    /// The layer that needs the most, with its network's name and index, for the message.
    public var largest: (network: String, index: Int, layer: LayerSpec)?

    /// Both parts together (saturating).
    public var totalBytes: Int { saturatingSum(parameterBytes, activationBytes) }

    /// The estimate for `model` trained by `phases` in batches of `batchSize`.
    public init(model: ModelSummary, batchSize: Int, phases: [PhaseSpec]) {
        parameterBytes = 0
        activationBytes = 0
        var moments: [String: Int] = [:]
        for phase in phases {
            let kept: Int
            if case .adam = phase.optimizer { kept = 2 } else { kept = 1 }
            for network in Set(phase.update.map(\.name)) { moments[network, default: 0] += kept }
        }
        var largestBytes = -1
        // A network applied to k draws of a posterior holds k rows per sample.
        var draws: [String: Int] = [:]
        for node in model.phases.flatMap(\.resolved.nodes) {
            if case .network(let name, _) = node.operation { draws[name] = max(draws[name] ?? 1, node.draws) }
        }
        for network in model.networks {
            let trainableCopies = 2 + moments[network.name, default: 0]
            let rows = saturatingProduct([batchSize, draws[network.name] ?? 1])
            for (index, layer) in network.layers.enumerated() {
                let copies = layer.parameters.reduce(0) { total, parameter in
                    saturatingSum(
                        total,
                        saturatingProduct([parameter.shape.elementCount, parameter.trainable ? trainableCopies : 1]))
                }
                let ownParameters = saturatingProduct([copies, MemoryLayout<Float>.size])
                let ownActivations = saturatingProduct([
                    layer.output.elementCount, rows, 2, MemoryLayout<Float>.size,
                ])
                parameterBytes = saturatingSum(parameterBytes, ownParameters)
                activationBytes = saturatingSum(activationBytes, ownActivations)
                let own = saturatingSum(ownParameters, ownActivations)
                if own > largestBytes {
                    largestBytes = own
                    largest = (network.name, index, layer.spec)
                }
            }
        }
    }

    /// A located error when the estimate exceeds `available` bytes (the machine's memory by default).
    public func problem(batchSize: Int, available: UInt64 = ProcessInfo.processInfo.physicalMemory) -> Diagnostic? {
        guard UInt64(totalBytes) > available, let largest else { return nil }
        return Diagnostic(
            largest.layer.origin,
            "training needs at least \(Self.bytesText(totalBytes)) (\(Self.bytesText(parameterBytes)) for "
                + "parameters, gradients and optimizer state; \(Self.bytesText(activationBytes)) for layer outputs "
                + "in a batch of \(batchSize)), more than this machine's "
                + "\(Self.bytesText(Int(clamping: available))) of memory; the largest part is network "
                + "'\(largest.network)', layer \(largest.index) (\(largest.layer.summary))")
    }

    /// `bytes` in binary units with three significant digits, e.g. `1.05 TiB` (AvailableMemory's form).
    static func bytesText(_ bytes: Int) -> String { AvailableMemory.text(bytes) }
}
