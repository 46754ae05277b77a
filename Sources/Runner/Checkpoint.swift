import Data
import Foundation
import Graph
import Kernels
import Spec
import RunFolder

/// The trainer's whole state at an epoch boundary (`TrainingState`), as two `.safetensors` files
/// under `checkpoint/`: `parameters.safetensors` (every tensor by its PyTorch name, in PyTorch's
/// layout: `load_state_dict(strict=True)` takes it, see `runexp export --pytorch`) and
/// `training.safetensors` (each phase's optimizer moments and step, the random streams' positions,
/// and how far training got), so `--resume` continues exactly where the run stopped.
enum Checkpoint {
    static let parametersFile = "checkpoint/parameters.safetensors"
    static let trainingFile = "checkpoint/training.safetensors"

    /// Writes the checkpoint. Both files are written whole under temporary names before either is
    /// renamed into place, so a full disk leaves the previous pair; the training state records the
    /// parameters' digest, so a pair from two epochs (a kill between the renames) is recognised.
    /// Each tensor goes to its file from the trainer's own buffers: the files whole in memory took
    /// three times their size, which a run that had trained under a memory limit could not allocate.
    static func save(_ trainer: Trainer, to folder: ResultDirectory, specDigest: String) throws {
        let entries = TrainingState(trainer).entries
        func tensors(_ file: TrainingState.File) -> [SafeTensors.TensorSource] {
            entries.filter { $0.file == file }.map {
                SafeTensors.TensorSource(name: $0.key, dtype: $0.dtype, shape: $0.shape, bytes: $0.write)
            }
        }
        let parameterMetadata = [
            "format": "pt", "runexp": RunexpVersion.string, "layout": TrainingState.ParameterLayout.pytorch.rawValue,
        ]
        let stateMetadata = ["spec_digest": specDigest, "parameter_digest": trainer.parameterDigest]
        try folder.writeTogether([
            (
                parametersFile,
                { emit in try SafeTensors.stream(tensors(.parameters), metadata: parameterMetadata, to: emit) }
            ),
            (trainingFile, { emit in try SafeTensors.stream(tensors(.training), metadata: stateMetadata, to: emit) }),
        ])
    }

    /// True when the folder holds a checkpoint.
    static func exists(in folder: ResultDirectory) -> Bool {
        FileManager.default.fileExists(atPath: folder.path(trainingFile))
    }

    /// Restores `trainer` from the folder's checkpoint, refusing one made from another spec, one
    /// whose two files come from different epochs, and any entry that does not fit.
    static func restore(_ trainer: Trainer, from folder: ResultDirectory, specDigest: String) throws {
        let training = try SafeTensors.read(path: folder.path(trainingFile))
        guard training.metadata["spec_digest"] == specDigest else {
            throw RunError(
                "\(folder.url.path) was made from a different spec\(differences(folder, trainer.checked.spec.resolved)); "
                    + "resume it with the same spec and options (`runexp resume \(folder.url.path)` reuses them), or "
                    + "start a new run")
        }
        let parameters = try SafeTensors.read(path: folder.path(parametersFile))
        var stored: [TrainingState.File: [String: NumericArray]] = [:]
        for (file, read) in [(TrainingState.File.parameters, parameters), (.training, training)] {
            stored[file] = Dictionary(read.tensors.map { ($0.name, $0.array) }, uniquingKeysWith: { a, _ in a })
        }
        let layout = try CheckpointLayout.decide(
            parameters, model: trainer.checked.model, file: folder.path(parametersFile))
        try give(
            TrainingState(trainer, layout: layout).entries, from: stored, folder: folder, remedy: "start a new run")
        if let expected = training.metadata["parameter_digest"], expected != trainer.parameterDigest {
            throw RunError(
                "the checkpoint in \(folder.url.path) is inconsistent: \(parametersFile) and \(trainingFile) come from different epochs (the run was killed while writing them); start a new run"
            )
        }
    }

    /// Puts the folder's parameters (weights and running statistics) into `trainer`, leaving its
    /// training position alone: a finished run's model, for `runexp apply`. The file must hold the
    /// trainer's tensors exactly (`CheckpointLayout.decide`), in the layout it names or its shapes show.
    /// Gives `store` the weights of the checkpoint in `folder`, in whichever layout its file is.
    static func restoreParameters(_ store: ParameterStore, model: ModelSummary, from folder: ResultDirectory) throws {
        let parameters = try SafeTensors.read(path: folder.path(parametersFile))
        let layout = try CheckpointLayout.decide(parameters, model: model, file: folder.path(parametersFile))
        let stored = Dictionary(parameters.tensors.map { ($0.name, $0.array) }, uniquingKeysWith: { a, _ in a })
        try give(
            TrainingState.weights(store, model: model, layout: layout) { 0 }, from: [.parameters: stored],
            folder: folder, remedy: "was it made by this spec?")
    }

    private static func give(
        _ entries: [TrainingState.Entry], from stored: [TrainingState.File: [String: NumericArray]],
        folder: ResultDirectory, remedy: String
    ) throws {
        for entry in entries {
            guard let array = stored[entry.file]?[entry.key] else {
                throw RunError("the checkpoint in \(folder.url.path) lacks '\(entry.key)'; \(remedy)")
            }
            switch array.dtype {
            case .float32: try entry.give(.floats(try array.elements(as: Float.self), shape: array.shape))
            case .uint64: try entry.give(.words(try array.elements(as: UInt64.self)))
            case .int64 where array.shape.isEmpty: try entry.give(.count(try array.elements(as: Int64.self)[0]))
            default: throw RunError("checkpoint tensor '\(entry.key)' is \(array.dtype), not float32 or uint64")
            }
        }
    }

    /// `: train.epochs is 12 there and 2 here, …`: the resolved values in which the run folder's
    /// spec and this one differ (the first five), or nothing when the folder does not say.
    static func differences(_ folder: ResultDirectory, _ resolved: YAMLNode) -> String {
        guard let recorded = try? RunFiles.resolvedValues(folder.url) else { return "" }
        let changes = RunFiles.changes(recorded, RunFiles.values(resolved))
        guard !changes.isEmpty else { return "" }
        let listed = changes.prefix(5).map { change in
            "\(change.key) is \(change.a ?? "absent") there and \(change.b ?? "absent") here"
        }
        return ": " + listed.joined(separator: ", ") + (changes.count > 5 ? ", and \(changes.count - 5) more" : "")
    }
}
