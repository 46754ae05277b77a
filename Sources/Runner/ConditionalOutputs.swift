import Analysis
import Data
import Graph
import Kernels
import Report
import Spec

/// The latent outputs of a decoder that reads its code beside one-hot labels
/// (`decoder(concat(encoder(x), onehot(y)))`, the supervised AAE): each code decoded under every
/// class, so that a row keeps one style and the columns change the class (the AAE paper's
/// style × digit figure).
extension LatentOutputs {
    /// Rows of the conditional grids.
    static let conditionalRows = 10

    /// `images/samples.png` (prior styles × classes) and `images/conditional.png` (the styles of
    /// images of the explored split, each beside its image, × classes).
    func writeConditional(_ conditioning: Conditioning, _ context: Context) throws -> [(String, String)] {
        var figures: [(String, String)] = []
        if let prior = spec.prior {
            let rows = max(1, min(Self.conditionalRows, samples / conditioning.classes))
            let styles = PriorSampler.draws(prior, seed: spec.seed, stream: "outputs/latent", count: rows)
            let decoded = try decodeUnderEveryClass(styles, rows: rows, conditioning, context)
            let grid = (0..<rows).map { row in
                ImageGrid.Row(
                    label: "z\(row + 1)",
                    images: Array(decoded[(row * conditioning.classes)...].prefix(conditioning.classes)))
            }
            try writeGrid("images/samples.png", ImageGrid(rows: grid))
            figures.append(
                (
                    "images/samples.png",
                    "\(rows) prior samples (rows), each decoded by '\(decoder)' under the classes 0…\(conditioning.classes - 1) (columns)"
                ))
        }
        let d = conditioning.codeWidth
        figures.append(
            try writeImagesUnderEveryClass(
                classes: conditioning.classes, context, caption: "under every class",
                input: { code, _ in Array(code.prefix(d)) }))
        return figures
    }

    /// `images/conditional.png` for codes that hold their class themselves (a prior part
    /// `{categorical: …}`, the semi-supervised AAE's digit): images of the explored split, each
    /// beside its code decoded with that part set to every class in turn, the other parts kept.
    func writeClassPart(_ part: ClassPart, _ context: Context) throws -> (String, String) {
        try writeImagesUnderEveryClass(
            classes: part.classes, context,
            caption: "with the prior part '\(part.name)' set to each class 0…\(part.classes - 1)",
            input: { code, label in
                var input = Array(code)
                for k in 0..<part.classes { input[part.offset + k] = k == label ? 1 : 0 }
                return input
            })
    }

    /// `images/conditional.png`: images of the explored split chosen by the seed, each beside the
    /// decoder's images of `input(its code, class)` for every class, which a conditional decoder
    /// reads beside that class.
    private func writeImagesUnderEveryClass(
        classes: Int, _ context: Context, caption: String, input: (ArraySlice<Float>, Int) -> [Float]
    ) throws -> (String, String) {
        let images = context.split.images, d = context.dimension
        let rows = min(Self.conditionalRows, images.count)
        var stream = RandomStream(seed: spec.seed, name: "outputs/latent/conditional")
        let chosen = Array(Shuffling.permutation(count: images.count, random: &stream).prefix(rows))
        var inputs: [Float] = []
        for index in chosen {
            for label in 0..<classes { inputs += input(context.codes[(index * d)..<((index + 1) * d)], label) }
        }
        let labels = context.decode.conditioning.map { _ in chosen.flatMap { _ in Array(0..<classes) } }
        let decoded = try context.shape.images(try context.decode.apply(latent: inputs, labels: labels))
        let grid = try chosen.enumerated().map { row, index in
            ImageGrid.Row(
                label: context.labeled ? "\(images.labels[index]) →" : nil,
                images: [try context.shape.image(images, index)] + decoded[(row * classes)...].prefix(classes))
        }
        try writeGrid("images/conditional.png", ImageGrid(rows: grid))
        return (
            "images/conditional.png",
            "\(rows) \(context.split.name) images (left) and their codes decoded by '\(decoder)' \(caption)"
        )
    }

    /// Decodes each of `rows` codes (row-major) under every class, row after row.
    private func decodeUnderEveryClass(
        _ codes: [Float], rows: Int, _ conditioning: Conditioning, _ context: Context
    ) throws -> [GridImage] {
        let d = conditioning.codeWidth
        var inputs: [Float] = []
        for row in 0..<rows {
            for _ in 0..<conditioning.classes { inputs += codes[(row * d)..<((row + 1) * d)] }
        }
        let labels = (0..<rows).flatMap { _ in Array(0..<conditioning.classes) }
        return try context.shape.images(try context.decode.apply(latent: inputs, labels: labels))
    }
}

/// A categorical part of a prior of parts (`digit: {categorical: {classes: 10}}`): where its
/// one-hot slot sits in a sample, so the outputs can set a code's class.
struct ClassPart {
    let name: String
    let offset: Int
    let classes: Int

    /// The first categorical part of `prior`, if it is a prior of parts with one.
    init?(_ prior: PriorSpec) {
        var offset = 0
        for part in prior.parts {
            if case .categorical(let classes) = part.prior {
                (name, self.offset, self.classes) = (part.name, offset, classes)
                return
            }
            offset += part.prior.dimension
        }
        return nil
    }
}
