import Data
import Foundation
import Graph
import RunFolder

/// A finished run opened for a command over it (`apply`, `export`): its folder, the checked spec
/// of its own `resolved.yaml` and its checkpoint, which must exist. Whatever became of the spec
/// file it was trained from since, these are what its networks were built from.
public struct FinishedRun {
    public let directory: ResultDirectory
    public let checked: CheckedSpec

    /// Opens the run in `folder`, planned with `options` (the run's own command, so relative data
    /// paths resolve as the run resolved them); `purpose` ("apply", "export") words the refusal of
    /// a run with nothing trained yet.
    public init(_ options: RunOptions, folder: String, purpose: String) throws {
        directory = try ResultDirectory.existing(folder)
        guard Checkpoint.exists(in: directory) else {
            throw RunError("\(folder) has no checkpoint yet: nothing has been trained to \(purpose)")
        }
        checked = try SpecCheck.checkedRun(options, folder: folder)
    }

    /// The checkpoint's weights file, relative to the run folder.
    public static let parametersFile = Checkpoint.parametersFile

    /// Whether the weights file holds the run's tensors exactly in PyTorch's layout (false: in
    /// runexp's earlier own layout); throws when they do not fit the run's networks.
    public func parametersInPyTorchLayout() throws -> Bool {
        let file = directory.path(Checkpoint.parametersFile)
        return try CheckpointLayout.decide(SafeTensors.read(path: file), model: checked.model, file: file) == .pytorch
    }

    /// The run's parameters restored into a store for its networks.
    func restoredParameters() throws -> ParameterStore {
        let store = ParameterStore(forWeightsOf: checked.model)
        try Checkpoint.restoreParameters(store, model: checked.model, from: directory)
        return store
    }
}
