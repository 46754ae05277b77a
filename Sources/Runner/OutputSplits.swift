import Spec

/// Which split each output draws its images from: the one it asks for or, when the data does not
/// have that one, the first of test, validation and train it has. A substitution is said where the
/// user looks: by `check`, in the terminal, in `run.json` and in the report.
enum OutputSplits {
    /// The splits (with images) of loaded data.
    static func available(_ data: ExperimentData) -> [String] {
        ["train", "validation", "test"].filter { (data.split($0)?.count ?? 0) > 0 }
    }

    /// The splits the spec's data will have, known without reading it: an embedded source has a
    /// test split, and validation is held out of train when `data.validation` asks for it.
    static func available(_ spec: DataSpec) -> [String] {
        ["train"] + (spec.validation > 0 ? ["validation"] : []) + (spec.source.readsFile ? [] : ["test"])
    }

    /// The split an output asking for `requested` draws from.
    static func choose(_ requested: String, available: [String]) -> String {
        if available.contains(requested) { return requested }
        return ["test", "validation", "train"].first(where: available.contains) ?? requested
    }

    /// One line per output whose split the data does not have, saying which one it uses instead,
    /// and for a t-SNE map of unlabelled data, why it has one colour.
    static func notes(_ spec: ExperimentSpec, available: [String], labeled: Bool) -> [String] {
        let unlabeled = spec.outputs.filter { if case .tsne = $0.kind { !labeled } else { false } }.map { output in
            "\(output.origin.place): tsne colours the map by label, but the data has none, so it has one colour; "
                + "give the labels with `source: {npy: PATH, labels: PATH}`"
        }
        return substitutions(spec, available: available) + unlabeled
            + EvaluationPlan.notes(spec, available: available)
    }

    static func substitutions(_ spec: ExperimentSpec, available: [String]) -> [String] {
        spec.outputs.compactMap { output in
            let requested: String
            switch output.kind {
            case .reconstructions(let split, _), .tsne(let split, _, _, _): requested = split
            case .curves, .latent, .parzen: return nil
            }
            let used = choose(requested, available: available)
            guard used != requested else { return nil }
            return
                "\(output.origin.place): \(OutputSpec.name(of: output.kind)) asks for the \(requested) split, which the data does not "
                + "have (it has \(available.joined(separator: ", "))): drawn from \(used) instead"
        }
    }
}
