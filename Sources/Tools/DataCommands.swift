import Data
import Foundation
import Kernels
import Runner

/// `runexp data …`: look inside data files and make MNIST-M from digits and photos.
public enum DataCommands {
    /// One block per array in the file: shape, dtype, value range, label counts; for a folder of
    /// images, the images and labels the `images` source reads from it, and the class names.
    public static func inspect(path: String) throws -> String {
        var isFolder: ObjCBool = false
        let summaries: [ArraySummary]
        var classes = ""
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            let (folderSummaries, names) = try DataInspector.inspectFolder(path)
            summaries = folderSummaries
            classes = names.isEmpty ? "" : "\n  classes: " + ImageFolder.describe(classes: names)
        } else {
            summaries = try DataInspector.inspect(path: path)
        }
        return "\(path):\n"
            + summaries.map { "  " + $0.description.replacingOccurrences(of: "\n", with: "\n  ") }
            .joined(separator: "\n") + classes
    }

    /// Makes MNIST-M by the recipe from a folder of MNIST-format IDX files and a folder of PNG photos,
    /// holds `validation` of the training digits out, and writes an `.npz` (`train_x`, `train_y`,
    /// `valid_x`, `valid_y`, `test_x`, `test_y`). Returns a one-line summary.
    public static func makeMNISTM(digits: String, backgrounds: String, out: String, seed: UInt64, validation: Double)
        throws -> String
    {
        try AtomicFile.checkDestination(out)
        let splits = try IDX.readDirectory(digits)
        let photos = try PNGImage.readFolder(backgrounds)
        guard !photos.isEmpty else { throw SourceError(backgrounds, "no PNG photos in this folder") }
        var recipe = RandomStream(seed: seed, name: "data/mnist-m")
        let train = try MNISTM.make(digits: splits.train, backgrounds: photos, random: &recipe)
        let test = try MNISTM.make(digits: splits.test, backgrounds: photos, random: &recipe)
        var holdOut = RandomStream(seed: seed, name: "data/validation")
        let (kept, held) = try train.splitValidation(fraction: validation, random: &holdOut)
        try MNISTM.writeNpz(train: kept, validation: held, test: test, to: out)
        return
            "\(out): MNIST-M from \(photos.count) photos, seed \(seed): train \(kept.count), validation \(held.count), test \(test.count)"
    }

    /// Writes the splits a spec trains and evaluates on (after `train_limit` and the validation
    /// hold-out, exactly as a run draws them) to an `.npz` of uint8 images and labels, so that a
    /// PyTorch script can train on the same images. Returns a one-line summary.
    public static func export(spec path: String, overrides: [String], seed: UInt64?, out: String) throws -> String {
        try AtomicFile.checkDestination(out)
        let checked: CheckedSpec
        switch SpecCheck.run(path: path, overrides: overrides, seed: seed) {
        case .success(let value): checked = value
        case .failure(let problems): throw LocatedError(problems, file: path)
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let data =
            try checked.data
            ?? ExperimentData.load(checked.spec.data, seed: checked.spec.seed, specDirectory: folder)
        let empty = try data.train.subset([])
        // The labelled images of a semi-supervised spec, as indices into train_x.
        let labeled = try data.labeledTrain.map {
            [NamedArray("train_labeled", try NumericArray(shape: [$0.count], elements: $0.map(Int64.init)))]
        }
        try MNISTM.writeNpz(
            train: data.train, validation: data.validation ?? empty, test: data.test ?? empty, to: out,
            extra: labeled ?? [])
        return "\(out): \(data.description), seed \(checked.spec.seed): train \(data.train.count)"
            + (data.labeledTrain.map { " (\($0.count) labelled)" } ?? "")
            + ", validation \(data.validation?.count ?? 0), test \(data.test?.count ?? 0)"
    }
}
