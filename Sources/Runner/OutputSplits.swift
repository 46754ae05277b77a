import Spec

/// Which split each output draws its images from: the one it asks for or, when the data does not
/// have that one, the one `Split.serving` picks. A substitution is said where the user looks: by
/// `check`, in the terminal, in `run.json` and in the report.
enum OutputSplits {
    /// The splits the spec's data will have, known without reading it: an embedded source has a
    /// test split, and validation is held out of train when `data.validation` asks for it.
    static func available(_ spec: DataSpec) -> [Split] {
        [.train] + (spec.validation > 0 ? [.validation] : []) + (spec.source.readsFile ? [] : [.test])
    }

    /// One line per output whose split the data does not have, saying which one it uses instead,
    /// and for a t-SNE map of unlabelled data, why it has one colour.
    static func notes(_ spec: ExperimentSpec, available: [Split], labeled: Bool) -> [String] {
        let unlabeled = spec.outputs.filter { if case .tsne = $0.kind { !labeled } else { false } }.map { output in
            "\(output.origin.place): tsne colours the map by label, but the data has none, so it has one colour; "
                + "give the labels with `source: {npy: PATH, labels: PATH}`"
        }
        let unsampled =
            spec.prior != nil
            ? []
            : spec.outputs.filter { $0.kind.family == .latent }.map { output in
                "\(output.origin.place): latent decodes samples of the prior, but the spec has none, so no samples "
                    + "will be drawn; add one, e.g. `prior: {normal: {dim: N}}` with N the code's width"
            }
        let unusedValidation = spec.data.unusedValidation.map { origin in
            "\(origin.place): data.validation is not used: the data file has a validation split of its own, "
                + "which the run uses"
        }
        return substitutions(spec, available: available) + unlabeled + unsampled
            + EvaluationPlan.notes(spec, available: available) + (unusedValidation.map { [$0] } ?? [])
    }

    static func substitutions(_ spec: ExperimentSpec, available: [Split]) -> [String] {
        spec.outputs.compactMap { output in
            guard let requested = output.requestedSplit else { return nil }
            let used = Split.serving(requested, among: available)
            guard used != requested else { return nil }
            return
                "\(output.origin.place): \(output.name) asks for the \(requested) split, which the data does not "
                + "have (it has \(available.map(\.name).joined(separator: ", "))): drawn from \(used) instead"
        }
    }
}
