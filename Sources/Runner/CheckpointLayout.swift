import Data
import Graph
import RunFolder

/// Whether a `parameters.safetensors` fits a run's networks, and in which layout it holds them.
///
/// A file must hold every tensor the networks keep, by name, shape and dtype, and no other (what
/// PyTorch's `load_state_dict(strict=True)` asks). Its metadata's `layout` says how it orders them;
/// a file that does not say (PyTorch's `save_file` of a module's `state_dict()`, or an earlier
/// runexp) is read in the layout its tensors fit, and refused when they fit both layouts and the
/// two would read its values differently (a square dense weight): a guess there is silently wrong.
enum CheckpointLayout {
    /// One tensor a weights file holds for a model.
    struct Tensor: Equatable {
        /// Its key in the file: `encoder.layers.0.weight`.
        var name: String
        /// Its shape in the file's layout.
        var shape: [Int]
        /// float32 for every tensor runexp trains; int64 for PyTorch's counters.
        var dtype: DType
    }

    /// The tensors of `model` as a weights file in `layout` holds them, layer by layer.
    static func expected(_ model: ModelSummary, layout: TrainingState.ParameterLayout) -> [Tensor] {
        model.networks.flatMap { network in
            network.layers.enumerated().flatMap { index, layer -> [Tensor] in
                let prefix = "\(network.name).layers.\(index)."
                switch layout {
                case .pytorch:
                    return layer.parameters.map {
                        Tensor(name: prefix + $0.torchName, shape: $0.torchShape, dtype: .float32)
                    }
                        + layer.torch.counters.map { Tensor(name: prefix + $0, shape: [], dtype: .int64) }
                case .runexp:
                    return layer.parameters.map { Tensor(name: prefix + $0.name, shape: $0.shape, dtype: .float32) }
                }
            }
        }
    }

    /// Why `stored` does not fit `expected`: the first expected tensor missing or of another shape
    /// or dtype, else the first stored tensor the model has no place for; nil when it fits.
    static func misfit(_ stored: [NamedArray], _ expected: [Tensor]) -> String? {
        let byName = Dictionary(stored.map { ($0.name, $0.array) }, uniquingKeysWith: { first, _ in first })
        for tensor in expected {
            guard let array = byName[tensor.name] else { return "it lacks '\(tensor.name)'" }
            guard array.shape == tensor.shape else {
                return "'\(tensor.name)' is \(text(array.shape)) there, but \(text(tensor.shape)) in this run's spec"
            }
            guard array.dtype == tensor.dtype else {
                return "'\(tensor.name)' is \(array.dtype) there, but \(tensor.dtype) in this run's spec"
            }
        }
        let names = Set(expected.map(\.name))
        return stored.first { !names.contains($0.name) }.map {
            "it holds '\($0.name)', which no network of this run's spec has"
        }
    }

    /// The layout of the weights file `contents` (at `file`) for `model`: the one its metadata
    /// names, else the one its tensors fit. Refuses, saying why, a file that fits neither (or not the
    /// layout it names), and one without a layout that fits both where the two read differently.
    static func decide(_ contents: SafeTensors.Contents, model: ModelSummary, file: String) throws
        -> TrainingState.ParameterLayout
    {
        let remedy = "was it written for this run's networks?"
        if let named = contents.metadata["layout"] {
            guard let layout = TrainingState.ParameterLayout(rawValue: named) else {
                throw RunError(
                    "\(file): its metadata names the layout '\(named)', which runexp does not know (pytorch)")
            }
            if let why = misfit(contents.tensors, expected(model, layout: layout)) {
                throw RunError("\(file) does not fit the run's networks: \(why); \(remedy)")
            }
            return layout
        }
        let torch = misfit(contents.tensors, expected(model, layout: .pytorch))
        let earlier = misfit(contents.tensors, expected(model, layout: .runexp))
        switch (torch, earlier) {
        case (nil, nil):
            guard let square = ambiguous(model) else { return .pytorch }
            throw RunError(
                "\(file) names no layout in its metadata, and its tensors fit both PyTorch's layout and runexp's "
                    + "earlier one, which order their values differently: '\(square.name)' is \(text(square.shape)) "
                    + "either way; say which it holds with metadata {\"layout\": \"pytorch\"} (safetensors' "
                    + "save_file(state_dict, path, metadata={\"layout\": \"pytorch\"}))")
        case (nil, _): return .pytorch
        case (_, nil): return .runexp
        case (let why?, _):
            throw RunError("\(file) does not fit the run's networks in PyTorch's layout: \(why); \(remedy)")
        }
    }

    /// The first tensor of `model` that PyTorch's layout orders otherwise than runexp's earlier one
    /// although its shape reads the same both ways (a square dense weight); nil when there is none.
    static func ambiguous(_ model: ModelSummary) -> Tensor? {
        for network in model.networks {
            for (index, layer) in network.layers.enumerated() {
                // Axes of one value do not order anything: only the order of the longer ones counts.
                let long = { (axes: [Int], shape: [Int]) in axes.filter { shape[$0] > 1 } }
                for parameter in layer.parameters
                where long(parameter.torchAxes, parameter.shape)
                    != long(Array(parameter.shape.indices), parameter.shape)
                {
                    let name = "\(network.name).layers.\(index).\(parameter.name)"
                    return Tensor(name: name, shape: parameter.shape, dtype: .float32)
                }
            }
        }
        return nil
    }

    /// `4×4`, or `a scalar`.
    static func text(_ shape: [Int]) -> String { shape.isEmpty ? "a scalar" : shape.shapeText }
}
