import Data
import Foundation
import Graph
import Kernels

/// The trainer's whole state at an epoch boundary, as two `.safetensors` files under `checkpoint/`:
/// `parameters.safetensors` (every tensor by its dotted name, loadable by PyTorch's safetensors) and
/// `training.safetensors` (each phase's optimizer moments and step, the random streams' positions,
/// and how far training got), so `--resume` continues exactly where the run stopped.
enum Checkpoint {
    static let parametersFile = "checkpoint/parameters.safetensors"
    static let trainingFile = "checkpoint/training.safetensors"

    static func floats(_ buffer: FloatBuffer, _ shape: [Int]) throws -> NumericArray {
        try NumericArray(shape: shape, elements: buffer.values)
    }

    static func words(_ values: [UInt64]) throws -> NumericArray {
        try NumericArray(shape: [values.count], elements: values)
    }

    /// Writes the checkpoint. Both files are written whole under temporary names before either is
    /// renamed into place, so a full disk leaves the previous pair; the training state records the
    /// parameters' digest, so a pair from two epochs (a kill between the renames) is recognised.
    static func save(_ trainer: Trainer, to folder: ResultDirectory, specDigest: String) throws {
        let parameters = try trainer.store.parameters.map { NamedArray($0.name, try floats($0.value, $0.shape)) }
        let parameterBytes = try SafeTensors.encode(
            parameters, metadata: ["format": "pt", "runexp": RunexpVersion.string])
        var state: [NamedArray] = [
            NamedArray("progress", try words([UInt64(trainer.epochsDone), UInt64(trainer.step)])),
            NamedArray("stream/shuffle", try words(trainer.shuffle.state.array)),
        ]
        if let sampler = trainer.sampler {
            state.append(NamedArray("stream/prior", try words(sampler.stream.state.array)))
        }
        for phase in trainer.phases {
            state.append(NamedArray("stream/dropout/\(phase.name)", try words(phase.dropout.state.array)))
            state.append(NamedArray("optimizer/\(phase.name)/step", try words([UInt64(phase.optimizer.step)])))
            for (index, parameter) in phase.optimizer.parameters.enumerated() {
                state.append(
                    NamedArray(
                        "optimizer/\(phase.name)/first/\(parameter.name)",
                        try floats(phase.optimizer.firstMoments[index], parameter.shape)))
                if index < phase.optimizer.secondMoments.count {
                    state.append(
                        NamedArray(
                            "optimizer/\(phase.name)/second/\(parameter.name)",
                            try floats(phase.optimizer.secondMoments[index], parameter.shape)))
                }
            }
        }
        let stateBytes = try SafeTensors.encode(
            state, metadata: ["spec_digest": specDigest, "parameter_digest": trainer.parameterDigest])
        try folder.writeTogether([(parametersFile, Data(parameterBytes)), (trainingFile, Data(stateBytes))])
    }

    /// True when the folder holds a checkpoint.
    static func exists(in folder: ResultDirectory) -> Bool {
        FileManager.default.fileExists(atPath: folder.path(trainingFile))
    }

    /// Restores `trainer` from the folder's checkpoint, refusing one made from another spec.
    static func restore(_ trainer: Trainer, from folder: ResultDirectory, specDigest: String) throws {
        let training = try SafeTensors.read(path: folder.path(trainingFile))
        guard training.metadata["spec_digest"] == specDigest else {
            throw RunError(
                "\(folder.url.path) was made from a different spec (or other --set/--seed values); resume it with the same spec and options, or start a new run"
            )
        }
        let state = Dictionary(training.tensors.map { ($0.name, $0.array) }, uniquingKeysWith: { a, _ in a })
        let parameters = try SafeTensors.read(path: folder.path(parametersFile))
        let values = Dictionary(parameters.tensors.map { ($0.name, $0.array) }, uniquingKeysWith: { a, _ in a })
        for parameter in trainer.store.parameters {
            try parameter.value.set(load(values[parameter.name], parameter.name, parameter.value.count))
        }
        if let expected = training.metadata["parameter_digest"], expected != trainer.parameterDigest {
            throw RunError(
                "the checkpoint in \(folder.url.path) is inconsistent: \(parametersFile) and \(trainingFile) come from different epochs (the run was killed while writing them); start a new run"
            )
        }
        func stream(_ name: String) throws -> RandomStream {
            let w = try state[name].map { try $0.elements(as: UInt64.self) } ?? []
            guard w.count == 4 else { throw RunError("checkpoint lacks the random stream '\(name)'") }
            return RandomStream(state: RandomStreamState(w[0], w[1], w[2], w[3]))
        }
        trainer.shuffle = try stream("stream/shuffle")
        if trainer.sampler != nil { trainer.sampler?.stream = try stream("stream/prior") }
        for phase in trainer.phases {
            phase.dropout = try stream("stream/dropout/\(phase.name)")
            let step = try state["optimizer/\(phase.name)/step"]?.elements(as: UInt64.self).first ?? 0
            phase.optimizer.restore(step: Int(step))
            for (index, parameter) in phase.optimizer.parameters.enumerated() {
                let first = "optimizer/\(phase.name)/first/\(parameter.name)"
                try phase.optimizer.firstMoments[index].set(load(state[first], first, parameter.value.count))
                if index < phase.optimizer.secondMoments.count {
                    let second = "optimizer/\(phase.name)/second/\(parameter.name)"
                    try phase.optimizer.secondMoments[index].set(load(state[second], second, parameter.value.count))
                }
            }
        }
        let progress = try state["progress"]?.elements(as: UInt64.self) ?? []
        guard progress.count == 2 else { throw RunError("checkpoint lacks its progress record") }
        trainer.restoreProgress(epochsDone: Int(progress[0]), step: Int(progress[1]))
    }

    private static func load(_ array: NumericArray?, _ name: String, _ count: Int) throws -> [Float] {
        guard let array, array.dtype == .float32, array.count == count else {
            throw RunError("checkpoint tensor '\(name)' is missing or has the wrong size")
        }
        return try array.elements(as: Float.self)
    }
}
